import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_BUNDLES } from '../scripts/bundles.ts';
import { freePort, persistenceWarning, spawnAofRedis, waitForRedis } from '../scripts/stack-redis.ts';
import { SERVICE_NODE_FLAGS } from '../scripts/service-processes.ts';

const root = join(import.meta.dirname, '..');

// No Docker engine here, so the compose file is checked for what would break `docker compose up --scale` silently.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
  const command = (name: string) => [compose.services[name].command].flat().join(' ');

  it('has redis, the simulator, the API, the three stage workers and the history mirror, each started from a bundle `pnpm build` makes of a file that exists', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'applier-worker', 'mirror-worker', 'planner-worker', 'redis', 'scorer-worker', 'simulator']);
    for (const name of ['api', 'scorer-worker', 'planner-worker', 'applier-worker', 'mirror-worker', 'databricks-sim'] as const) {
      // node flags may come first (the scorer's heap settings)
      expect(command(name === 'databricks-sim' ? 'simulator' : name)).toMatch(new RegExp(`^node (--[\\w-]+=\\S+ )*dist/${name}\\.js\\b`));
    }
    for (const file of Object.values(SERVICE_BUNDLES)) expect(existsSync(join(root, file)), file).toBe(true);
    // containers run the scorer with the heap settings `pnpm stack` and the tests use
    expect(command('scorer-worker')).toBe(`node ${SERVICE_NODE_FLAGS.scorer.join(' ')} dist/scorer-worker.js`);
    for (const dataset of command('simulator').match(/datasets\/[\w-]+/g) ?? []) expect(existsSync(join(root, dataset)), dataset).toBe(true);
  });

  it('lets scorer-worker scale: no container name or host port, the shared Redis and the simulator certificate', () => {
    const scorer = compose.services['scorer-worker'];
    expect(scorer.container_name).toBeUndefined();
    expect(scorer.ports).toBeUndefined();
    expect(scorer.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(scorer.environment.DATABRICKS_CA_CERT_FILE).toContain('/certs/warehouse-ca.pem');
    expect(command('simulator')).toMatch(/--cert-host simulator/);
    expect(command('simulator')).toMatch(/--ca-cert-out \/certs\/warehouse-ca\.pem/);
  });

  it('bakes in no Databricks token and binds the API to every interface only inside its container', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/dapi-sim-token/);
    expect(compose.services['scorer-worker'].environment.DATABRICKS_TOKEN).toMatch(/^\$\{DATABRICKS_TOKEN:\?/);
    expect(compose.services.simulator.environment.DATABRICKS_SIM_TOKEN).toMatch(/^\$\{DATABRICKS_TOKEN:\?/);
    expect(command('simulator')).not.toMatch(/--print-token|--token/);
    expect(compose.services.api.environment.HOST).toBe('0.0.0.0');
  });
});

describe('pnpm stack: Redis persists runs across a restart', () => {
  it("starts its own redis-server with AOF in a data dir: a key written before a graceful restart is there after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genie-stack-redis-'));
    const port = await freePort();
    let server = await spawnAofRedis(port, dir);
    try {
      const before = new Redis(port, '127.0.0.1');
      await before.set('run:probe', 'kept');
      expect(await before.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      before.disconnect();
      await server.stop();
      server = await spawnAofRedis(port, dir);
      const after = new Redis(port, '127.0.0.1');
      expect(await after.get('run:probe')).toBe('kept');
      expect(await persistenceWarning(`redis://127.0.0.1:${port}`)).toBeUndefined();
      after.disconnect();
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns that persistence is required when REDIS_URL names a Redis without AOF', async () => {
    const port = await freePort();
    const plain = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'no', '--save', ''], { stdio: 'ignore' });
    try {
      await waitForRedis(port);
      expect(await persistenceWarning(`redis://127.0.0.1:${port}`)).toMatch(/without AOF \(appendonly no\).*persistence is required/);
    } finally {
      plain.kill('SIGTERM');
    }
  });
});
