import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..');

/** Runs a command to its exit; resolves with its code and output whatever the code. */
async function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await exec(file, args, { ...options, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// The CLI as a user gets it: `pnpm pack` (which builds dist/), a scratch install of the tarball, the bin on PATH.
describe('the packed genie-enhance', () => {
  let dir: string;
  let bin: string;
  let sim: Simulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ge-pack-'));
    const packed = await run('pnpm', ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', 'cli') });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'))!;
    const scratch = join(dir, 'scratch');
    await mkdir(scratch);
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, dependencies: { '@genie-enhancer/cli': `file:${join(dir, tarball)}` } }));
    const installed = await run('pnpm', ['install', '--prefer-offline'], { cwd: scratch });
    expect(installed.code, installed.stderr).toBe(0);
    bin = join(scratch, 'node_modules', '.bin', 'genie-enhance');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 5 });
  }, 90_000);
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers --version from the installed bin, and through npx', async () => {
    const version = (await import(join(root, 'packages', 'cli', 'package.json'), { with: { type: 'json' } })).default.version as string;
    expect(await run(bin, ['--version'], { cwd: dir })).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await run('npx', ['--no-install', 'genie-enhance', '--version'], { cwd: join(dir, 'scratch') })).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('runs a loop against the simulator with OAuth M2M, finding its prompt templates, with no escape codes off a terminal', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, sim.caCert);
    const env = {
      PATH: process.env.PATH, HOME: dir,
      DATABRICKS_HOST: sim.url, DATABRICKS_CLIENT_ID: sim.oauthClient.clientId, DATABRICKS_CLIENT_SECRET: sim.oauthClient.clientSecret,
    };
    const r = await run(bin, ['run', '--space-id', sim.spaces[0].space_id, '--warehouse-id', sim.warehouseId, '--space-benchmarks', '--max-loops', '1',
      '--warehouse-port', String(sim.warehousePort), '--ca-cert', ca, '--holdout', '0'], { cwd: dir, env });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stdout).toMatch(/^train [\d.]+% -> [\d.]+%/m);
    expect(r.stderr).toMatch(/^loop 1 plan: [1-9]\d* fixes proposed/m);
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    expect(sim.requestLog.some((e) => e.path === '/oidc/v1/token' && e.status === 200)).toBe(true);
  });
});
