/**
 * `pnpm build`: bundles the CLI and each service into one ESM file with the workspace packages inside (they ship as
 * TypeScript) and every npm package outside, so `node` runs them without tsx. The prompt templates go beside each
 * bundle: @genie-enhancer/prompts finds them next to the file that holds its code.
 */
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { bundleDashboard } from '../services/api/src/dashboard/dashboard-bundle.ts';
import { SERVICE_BUNDLES } from './bundles.ts';

const root = join(import.meta.dirname, '..');

// bare imports other than our workspace packages stay imports; node: builtins too
const npmExternal: Plugin = {
  name: 'npm-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@genie-enhancer/') ? undefined : { path: args.path, external: true }));
  },
};

async function bundle(entry: string, outfile: string) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.11',
    plugins: [npmExternal],
    sourcemap: true,
    logLevel: 'warning',
  });
}

async function copyPrompts(dir: string) {
  for (const name of (await readdir(join(root, 'prompts'))).filter((f) => f.endsWith('.md'))) await copyFile(join(root, 'prompts', name), join(root, dir, name));
}

const only = process.argv[2];
if (!only || only === 'cli') {
  await rm(join(root, 'packages/cli/dist'), { recursive: true, force: true });
  await bundle('packages/cli/src/bin.ts', 'packages/cli/dist/genie-enhance.js'); // bin.ts brings its #! line
  await copyPrompts('packages/cli/dist');
}
if (!only || only === 'services') {
  await rm(join(root, 'dist'), { recursive: true, force: true });
  await mkdir(join(root, 'dist'), { recursive: true });
  for (const [out, entry] of Object.entries(SERVICE_BUNDLES)) await bundle(entry, `dist/${out}.js`);
  await copyPrompts('dist');
  // the run dashboard's page, pre-built beside dist/api.js (from source, the API bundles it in memory on first request)
  const dashboard = await bundleDashboard();
  await mkdir(join(root, 'dist/dashboard'));
  await Promise.all([writeFile(join(root, 'dist/dashboard/main.js'), dashboard.js), writeFile(join(root, 'dist/dashboard/main.css'), dashboard.css)]);
}
