import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { ALL_QUEUES } from '@genie-enhancer/queue-runtime';
import { createGenieSpacesClient, createRestClient, silentLogger } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from '../../../tests/helpers/test-redis.ts';
import { buildApi } from '../src/app.ts';
import { cancelActiveRuns } from './active-runs.ts';
import { ApiKeyStore } from '../src/auth/api-keys.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const QUESTION = { id: 'q1', question: 'How many stores are there?', expected_sql: 'SELECT COUNT(*) FROM main.retail.stores' };

describe('REST API (Fastify, real Redis)', () => {
  let t: TestRedis;
  let sim: Simulator;
  let app: Awaited<ReturnType<typeof buildApi>>;
  let queues: Queue[];
  let key: string;
  const call = (request: InjectOptions) => app.inject({ ...request, headers: { authorization: `Bearer ${key}`, ...request.headers } });
  const valid = () => ({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, questions: [QUESTION] });
  const jobsEnqueued = async () => (await Promise.all(queues.map((q) => q.getJobCountByTypes('waiting', 'waiting-children', 'active', 'delayed', 'prioritized')))).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    t = await testRedis('api');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')] });
    const spaces = createGenieSpacesClient(createRestClient({ host: sim.url, token: sim.token }));
    app = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix, spaces: async () => spaces });
    queues = ALL_QUEUES.map((name) => new Queue(name, { connection: t.redis, prefix: t.prefix }));
    ({ key } = await new ApiKeyStore(t.redis, t.prefix).create({ name: 'api-test', scopes: ['admin'] }));
  });
  // one active run per space: each test starts with none (no worker runs them, so they stay queued)
  beforeEach(() => cancelActiveRuns((r) => app.inject(r), { authorization: `Bearer ${key}` }));
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await app.close();
    await sim.close();
    await t.cleanup();
  });

  it.each([
    ['missing space id', (b: Record<string, unknown>) => ({ ...b, space_id: undefined }), 'body.space_id'],
    ['target score 1.5', (b: Record<string, unknown>) => ({ ...b, target_score: 1.5 }), 'body.target_score'],
    ['empty benchmark', (b: Record<string, unknown>) => ({ ...b, questions: [] }), 'body.questions'],
    ['max_loops as a string', (b: Record<string, unknown>) => ({ ...b, max_loops: 'three' }), 'body.max_loops'],
    ['a question without expected SQL', (b: Record<string, unknown>) => ({ ...b, questions: [{ id: 'x', question: 'q' }] }), 'body.questions.0.expected_sql'],
    ['duplicate question ids', (b: Record<string, unknown>) => ({ ...b, questions: [QUESTION, QUESTION] }), 'body.questions.1.id'],
    ['two benchmark sources', (b: Record<string, unknown>) => ({ ...b, benchmark_name: 'kpi_benchmark' }), 'body.questions'],
    ['an unknown benchmark name', (b: Record<string, unknown>) => ({ ...b, questions: undefined, benchmark_name: 'nope' }), 'body.benchmark_name'],
    ['expected SQL that writes', (b: Record<string, unknown>) => ({ ...b, questions: [QUESTION, { ...QUESTION, id: 'q2', expected_sql: 'CREATE TABLE x AS SELECT 42' }] }), 'body.questions.1.expected_sql'],
    ['a space id with a lone surrogate', (b: Record<string, unknown>) => ({ ...b, space_id: '\ud800'.repeat(32) }), 'body.space_id'],
    ['a warehouse id that is a path', (b: Record<string, unknown>) => ({ ...b, warehouse_id: '../../x' }), 'body.warehouse_id'],
    ['an unknown scorer', (b: Record<string, unknown>) => ({ ...b, scorer: 'judge' }), 'body.scorer'],
    ['an unknown lever', (b: Record<string, unknown>) => ({ ...b, levers: ['metadata', 'magic'] }), 'body.levers.1'],
    ['a space the workspace does not have', (b: Record<string, unknown>) => ({ ...b, space_id: '0123456789abcdef0123456789abcdef' }), 'body.space_id'],
  ])('answers 400 naming the field for %s, and enqueues nothing', async (_name, mutate, field) => {
    const response = await call({ method: 'POST', url: '/runs', payload: mutate(valid()) });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(body.message).toContain(field);
    expect(await jobsEnqueued()).toBe(0);
    expect((await call({ method: 'GET', url: '/runs' })).json().runs).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await call({ method: 'POST', url: '/runs', headers: { 'content-type': 'application/json' }, payload: '{"space_id":' });
    expect(response.statusCode).toBe(400);
    expect(await jobsEnqueued()).toBe(0);
  });

  it('starts a run once per Idempotency-Key: the first POST enqueues, a repeat answers the same run', async () => {
    const headers = { 'idempotency-key': 'same-request-1' };
    const first = await call({ method: 'POST', url: '/runs', payload: valid(), headers });
    expect(first.statusCode).toBe(202);
    const again = await call({ method: 'POST', url: '/runs', payload: valid(), headers });
    expect(again.statusCode).toBe(200);
    expect(again.json().run_id).toBe(first.json().run_id);
    // the engine's first command: one preflight job for the planner queue
    const planQueue = queues[ALL_QUEUES.indexOf('genie-plan')];
    expect((await planQueue.getJobs(['waiting'])).map((j) => j.name)).toEqual(['preflight']);
    expect(await jobsEnqueued()).toBe(1);

    const run = (await call({ method: 'GET', url: `/runs/${first.json().run_id}` })).json();
    expect(run).toMatchObject({ status: 'queued', question_count: 1, benchmark_source: 'inline', loop: 0, config: { target_score: 0.9, max_loops: 3 } });
    const cancel = await call({ method: 'POST', url: `/runs/${run.run_id}/cancel`, payload: {} });
    expect(cancel.json()).toEqual({ run_id: run.run_id, status: 'cancelled' });
    expect((await call({ method: 'POST', url: `/runs/${run.run_id}/cancel`, payload: {} })).statusCode).toBe(409);
  });

  it('starts one run when requests with the same Idempotency-Key arrive at once', async () => {
    const headers = { 'idempotency-key': 'concurrent-1' };
    const before = await jobsEnqueued();
    const answers = await Promise.all(Array.from({ length: 5 }, () => call({ method: 'POST', url: '/runs', payload: valid(), headers })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(answers.map((a) => a.json().run_id)).size).toBe(1);
    expect(await jobsEnqueued()).toBe(before + 1);
  });

  it("takes the benchmark from a shipped file or from the space's own benchmarks section", async () => {
    const fromFile = await call({ method: 'POST', url: '/runs', payload: { ...valid(), questions: undefined, benchmark_name: 'kpi_benchmark' } });
    expect(fromFile.statusCode).toBe(202);
    expect((await call({ method: 'GET', url: `/runs/${fromFile.json().run_id}` })).json()).toMatchObject({ benchmark_source: 'file:kpi_benchmark', question_count: 30 });
    // one active run per space: a second run on it waits until the first has ended
    const busy = await call({ method: 'POST', url: '/runs', payload: valid() });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().message).toContain(fromFile.json().run_id);
    await call({ method: 'POST', url: `/runs/${fromFile.json().run_id}/cancel`, payload: {} });

    const fromSpace = await call({ method: 'POST', url: '/runs', payload: { ...valid(), questions: undefined, space_benchmarks: true } });
    expect(fromSpace.statusCode).toBe(202);
    const run = (await call({ method: 'GET', url: `/runs/${fromSpace.json().run_id}` })).json();
    expect(run.benchmark_source).toBe('space');
    expect(run.question_count).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown run and 400 naming params.id for an id that is not a UUID, on every run route', async () => {
    const unknown = randomUUID();
    for (const url of [`/runs/${unknown}`, `/runs/${unknown}/questions`, `/runs/${unknown}/fixes`]) {
      expect((await call({ method: 'GET', url })).statusCode).toBe(404);
    }
    expect((await call({ method: 'POST', url: `/runs/${unknown}/cancel`, payload: {} })).statusCode).toBe(404);
    for (const url of ['/runs/nope', '/runs/nope/questions', '/runs/nope/fixes']) {
      const response = await call({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json().issues[0].path).toBe('params.id');
    }
  });

  it('serves Bull Board at /admin/queues with every stage queue, health, readiness and the OpenAPI document', async () => {
    const board = await call({ method: 'GET', url: '/admin/queues' });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-type']).toContain('text/html');
    const listed = (await call({ method: 'GET', url: '/admin/queues/api/queues' })).json();
    expect(listed.queues.map((q: { name: string }) => q.name).sort()).toEqual([...ALL_QUEUES].sort());

    expect((await call({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await call({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const openapi = (await call({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/runs', '/runs/{id}', '/runs/{id}/questions', '/runs/{id}/fixes', '/runs/{id}/cancel']));
  });
});
