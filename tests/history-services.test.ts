import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, createDriverWarehouseClient, type SqlWarehouse } from '@genie-enhancer/shared';
import { spawnService } from '../scripts/service-processes.ts';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from './helpers/service-stack.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { until } from './helpers/until.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 5);

describe('the mirror worker as its own process, beside the API and the stage workers', () => {
  let t: TestRedis;
  let sim: Simulator;
  let stack: ServiceStack;
  let warehouse: SqlWarehouse;

  beforeAll(async () => {
    t = await testRedis('history-services');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20 });
    stack = await startServiceStack(sim, t, { scorers: 1, env: { GENIE_QUESTIONS_PER_MINUTE: '0', HISTORY_WAREHOUSE_ID: sim.warehouseId, HISTORY_SCHEMA: 'svc_history' } });
    await stack.add('mirror', 'mirror');
    warehouse = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
  }, 240_000);
  afterAll(async () => {
    await warehouse?.close();
    await stack?.stop();
    await sim?.close();
    await t?.cleanup();
  });

  it('mirrors a POSTed run into the configured schema, and the API serves it from there once Redis forgot it', async () => {
    const runId = await postRun(stack.api, { space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, questions, max_loops: 1, holdout: 0 });
    const live = await waitForRun(stack.api, runId, 120_000);
    await until(async () => (await (await apiFetch(stack.api, '/history')).json()).backlog === 0, 60_000);
    const [[status, startedBy]] = (await warehouse.query('SELECT status, started_by FROM main.svc_history.runs WHERE run_id = :id', { params: { id: runId } })).rows;
    expect(status).toBe(live.status);
    // the bootstrap admin key started it
    expect(startedBy).not.toBeNull();

    for (const key of await t.redis.keys(`${t.prefix}:run:${runId}*`)) await t.redis.del(key);
    const fromDelta = await (await apiFetch(stack.api, `/runs/${runId}`)).json();
    expect(fromDelta.served_from).toBe('history');
    expect(fromDelta.scores).toEqual(live.scores);
    expect(fromDelta.status).toBe(live.status);
  });

  it('refuses to start without a warehouse to write to, naming the setting', async () => {
    const mirror = spawnService('mirror', 'mirror-misconfigured', {
      REDIS_URL: t.url, REDIS_KEY_PREFIX: t.prefix, DATABRICKS_HOST: sim.url, DATABRICKS_TOKEN: sim.token, HISTORY_WAREHOUSE_ID: '', DATABRICKS_WAREHOUSE_ID: '',
    });
    const line = await mirror.waitForLine(/cannot start/, 60_000);
    expect(line).toMatch(/HISTORY_WAREHOUSE_ID/);
    await new Promise((resolve) => (mirror.child.exitCode !== null ? resolve(null) : mirror.child.once('exit', resolve)));
    expect(mirror.child.exitCode).toBe(1);
  });
});
