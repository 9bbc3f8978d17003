import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile } from '@genie-enhancer/shared';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from './helpers/service-stack.ts';
import { startRedisCluster, type LocalRedisCluster } from './helpers/redis-cluster.ts';
import type { TestRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const kpiBenchmark = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

/** Every key on every master of the cluster, with its slot. */
async function keysWithSlots(client: Cluster): Promise<{ key: string; slot: number }[]> {
  const keys: string[] = [];
  for (const node of client.nodes('master')) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return Promise.all(keys.map(async (key) => ({ key, slot: Number(await client.cluster('KEYSLOT', key)) })));
}

describe('distributed mode on a 3-master Redis Cluster, with two API instances', () => {
  let cluster: LocalRedisCluster | undefined;
  let skipReason: string | undefined;
  let client: Cluster;
  let sim: Simulator;
  let stack: ServiceStack;
  let secondApi: string;

  beforeAll(async () => {
    try {
      cluster = await startRedisCluster();
    } catch (error) {
      skipReason = `a local Redis Cluster could not start: ${(error as Error).message}`;
      console.warn(`SKIPPED redis-cluster test: ${skipReason}`);
      return;
    }
    client = cluster.client();
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 100 });
    // REDIS_KEY_PREFIX 'ge' becomes the hash tag '{ge}' because REDIS_CLUSTER_NODES is set
    const target = { url: cluster.url, prefix: 'ge' } as TestRedis;
    stack = await startServiceStack(sim, target, {
      scorers: 2,
      env: { REDIS_CLUSTER_NODES: cluster.nodes, GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '8' },
    });
    const port = await freePort();
    await stack.add('api', 'api-2', { PORT: String(port) });
    secondApi = `http://127.0.0.1:${port}`;
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await sim?.close();
    await client?.quit();
    await cluster?.stop();
  });

  const viaSecond = (path: string, init: RequestInit = {}) =>
    fetch(`${secondApi}${path}`, { ...init, headers: { authorization: `Bearer ${stack.apiKey}`, ...init.headers } });

  it('runs a run through plan and apply; every key of the stack shares one slot; the limit keys theirs', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const space = sim.spaces[0];
    const questions = kpiBenchmark;
    const runId = await postRun(stack.api, { space_id: space.space_id, warehouse_id: sim.warehouseId, benchmark_name: 'kpi_benchmark', max_loops: 1, target_score: 1 });
    const run = await waitForRun(stack.api, runId, 180_000);
    expect(run.status, JSON.stringify(run).slice(0, 1500)).not.toBe("failed");
    expect(run.scores.length).toBe(2);
    expect(run.timings.map((s: { stage: string }) => s.stage)).toEqual(expect.arrayContaining(['score', 'plan', 'apply']));
    const results = (await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json()).loops as { results: { question_id: string }[] }[];
    for (const loop of results) expect(loop.results.map((r) => r.question_id).sort()).toEqual(questions.map((q) => q.id).sort());

    const keys = await keysWithSlots(client);
    const stackKeys = keys.filter((k) => k.key.startsWith('{ge}:'));
    expect(stackKeys.some((k) => k.key.includes(runId))).toBe(true);
    expect(stackKeys.some((k) => k.key.startsWith('{ge}:genie-score:'))).toBe(true);
    expect(new Set(stackKeys.map((k) => k.slot)).size).toBe(1);
    // nothing of the stack escaped the tag, except the workspace's limit keys (their own tag, the host)
    expect(keys.filter((k) => !k.key.startsWith('{ge}:') && !k.key.startsWith('genie-limit:{')).map((k) => k.key)).toEqual([]);
  }, 240_000);

  it('serves one run from both API instances: an Idempotency-Key repeated on the second returns the first run', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const space = sim.spaces[0];
    const body = JSON.stringify({ space_id: space.space_id, warehouse_id: sim.warehouseId, questions: kpiBenchmark.slice(0, 3), max_loops: 1, target_score: 0.01 });
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'cluster-two-apis' };
    const first = await apiFetch(stack.api, '/runs', { method: 'POST', headers, body });
    expect(first.status).toBe(202);
    const again = await viaSecond('/runs', { method: 'POST', headers, body });
    expect(again.status).toBe(200);
    const runId = (await first.json()).run_id;
    expect((await again.json()).run_id).toBe(runId);
    const ended = await waitForRun(stack.api, runId, 120_000);
    expect(ended.status).toBe('completed');
    const seen = await (await viaSecond(`/runs/${runId}`)).json();
    expect(seen).toMatchObject({ run_id: runId, status: 'completed' });
    const metrics = await viaSecond('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/genie_enhancer_queue_jobs\{queue="genie-score",state="completed"\} [1-9]/);
  }, 240_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
