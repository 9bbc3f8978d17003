import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface DashboardAssets {
  js: string;
  css: string;
}

/** The page's source beside this service (services/api/ui); `pnpm build` writes a built copy next to dist/api.js. */
const SOURCE_ENTRY = fileURLToPath(new URL('../../ui/main.tsx', import.meta.url));
const BUILT_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

/** Bundles the dashboard (Preact, TSX, CSS) in memory: nothing is written, nothing is fetched at run time. */
export async function bundleDashboard(entry = SOURCE_ENTRY): Promise<DashboardAssets> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: '/dashboard', // names the outputs; write: false keeps them in memory
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

/** The pre-built bundle when `pnpm build` made one (the Docker image), else one built now from source. */
export async function loadDashboard(): Promise<DashboardAssets> {
  try {
    const [js, css] = await Promise.all([readFile(`${BUILT_DIR}main.js`, 'utf8'), readFile(`${BUILT_DIR}main.css`, 'utf8')]);
    return { js, css };
  } catch {
    return bundleDashboard();
  }
}
