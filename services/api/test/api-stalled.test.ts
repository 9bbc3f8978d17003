import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunStore } from '@genie-enhancer/queue-runtime';
import { RunConfig, silentLogger, type QuestionResult } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from '../../../tests/helpers/test-redis.ts';
import { buildApi } from '../src/app.ts';

const QUESTION = { id: 'q1', question: 'How many stores are there?', expected_sql: 'SELECT 1' };
const result = { question_id: 'q1', question: QUESTION.question, verdict: 'pass', reason_code: 'MATCH' } as unknown as QuestionResult;

/** The watchdog: a running run that has not moved for RUN_STALLED_AFTER_S shows `stalled: true` (a worker may be dead). */
describe('stalled runs in the API', () => {
  let t: TestRedis;
  let app: Awaited<ReturnType<typeof buildApi>>;
  let store: RunStore;
  const key = 'k'.repeat(40);
  const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })).json();

  beforeAll(async () => {
    t = await testRedis('api-stalled');
    store = new RunStore(t.redis, t.prefix);
    app = await buildApi({ redis: t.redis, logger: silentLogger, redisPrefix: t.prefix, stalledAfterSeconds: 60, benchmarksDir: '.', bootstrapKeys: [{ key, scopes: ['admin'] }] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app.close();
    await t.cleanup();
  });

  it('flags a running run after the configured quiet time, and clears the flag when a question result arrives', async () => {
    const runId = randomUUID();
    const config = RunConfig.parse({ space_id: 'a'.repeat(32), warehouse_id: 'b'.repeat(16) });
    await store.create({ runId, config, questions: [QUESTION], source: 'inline' });
    expect((await get(`/runs/${runId}`)).stalled).toBe(false);
    await store.transition(runId, { type: 'preflight_passed' });
    // only the clock moves: 61 s without a transition or a result
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect((await get(`/runs/${runId}`)).stalled).toBe(true);
    expect((await get('/runs')).runs.find((r: { run_id: string }) => r.run_id === runId).stalled).toBe(true);
    await store.saveResult(runId, 0, result);
    expect((await get(`/runs/${runId}`)).stalled).toBe(false);
    // a run that ended is never stalled
    await store.transition(runId, { type: 'cancel_requested' });
    vi.setSystemTime(Date.now() + 3_600_000);
    expect((await get(`/runs/${runId}`)).stalled).toBe(false);
  });
});
