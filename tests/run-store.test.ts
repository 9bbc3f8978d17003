import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyConflictError, RunStore, SpaceBusyError } from '@genie-enhancer/queue-runtime';
import { RunConfig } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w' });
const questions = [{ id: 'q1', question: 'How many?', expected_sql: 'SELECT 1' }];

describe('run store idempotency (real Redis)', () => {
  let t: TestRedis;
  let store: RunStore;
  beforeAll(async () => {
    t = await testRedis('store');
    store = new RunStore(t.redis, t.prefix);
  });
  afterAll(async () => t.cleanup());

  it('waits for the run a concurrent request is still writing, and answers that run', async () => {
    // the other request has taken the key but not yet written its run
    await t.redis.set(`${t.prefix}:idempotency:k-wait`, 'run-a');
    setTimeout(() => void store.create({ runId: 'run-a', config, questions, source: 'inline' }), 150);
    const second = await store.create({ runId: 'run-b', config, questions, source: 'inline', idempotencyKey: 'k-wait' });
    expect(second).toMatchObject({ created: false, run: { state: { run_id: 'run-a' } } });
    expect(await store.get('run-b')).toBeUndefined();
  });

  it('refuses with a conflict, creating nothing, when the run behind a taken key never appears', async () => {
    await t.redis.set(`${t.prefix}:idempotency:k-stuck`, 'run-never');
    await expect(store.create({ runId: 'run-c', config, questions, source: 'inline', idempotencyKey: 'k-stuck' })).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await store.get('run-c')).toBeUndefined();
  });

  it('lets a key be used again after its run could not be started', async () => {
    const retryConfig = { ...config, space_id: 'space-retry' };
    const first = await store.create({ runId: 'run-d', config: retryConfig, questions, source: 'inline', idempotencyKey: 'k-retry' });
    expect(first.created).toBe(true);
    // as POST /runs does when the enqueue fails: the run fails (freeing its space) and the key is forgotten
    await store.transition('run-d', { type: 'stage_failed', stage: 'preflight', reason: 'could not enqueue' });
    await store.forgetIdempotencyKey('k-retry');
    expect((await store.create({ runId: 'run-e', config: retryConfig, questions, source: 'inline', idempotencyKey: 'k-retry' })).run.state.run_id).toBe('run-e');
  });

  it('answers one question of a run by index, reading the list once, and finds a run created after a miss', async () => {
    const listed = [...questions, { id: 'q2', question: 'How many more?', expected_sql: 'SELECT 2' }];
    expect(await store.question('run-q', 0)).toBeUndefined();
    await store.create({ runId: 'run-q', config: { ...config, space_id: 'space-q' }, questions: listed, source: 'inline' });
    expect((await store.question('run-q', 1))?.id).toBe('q2');
    let reads = 0;
    const counting = new RunStore(t.redis, t.prefix);
    const read = counting.questions.bind(counting);
    counting.questions = (runId) => (reads++, read(runId));
    const asked = await Promise.all([0, 1, 0, 1].map((i) => counting.question('run-q', i)));
    expect(asked.map((q) => q?.id)).toEqual(['q1', 'q2', 'q1', 'q2']);
    expect(await counting.question('run-q', 2)).toBeUndefined();
    expect(reads).toBe(1);
  });

  it('gives every key of a run a retention TTL, kept through transitions, results and snapshots', async () => {
    const ttlStore = new RunStore(t.redis, t.prefix, 3600);
    const { step } = await ttlStore.create({ runId: 'run-ttl', config: { ...config, space_id: 'space-ttl' }, questions, source: 'inline' });
    await ttlStore.transition('run-ttl', { type: 'preflight_passed' });
    await ttlStore.saveResult('run-ttl', 0, { question_id: 'q1', question: 'How many?', expected_sql: 'SELECT 1', verdict: 'pass', reason_code: 'MATCH', reason: '', duration_ms: 1 });
    await ttlStore.saveBackup('run-ttl', 1, '{}');
    await ttlStore.saveSnapshot('run-ttl', 1, '{}');
    await ttlStore.stageStarted('run-ttl', 0, 'score');
    expect(step.state.status).toBe('queued');
    const keys = await t.redis.keys(`${t.prefix}:run:run-ttl*`);
    expect(keys.length).toBeGreaterThanOrEqual(7);
    for (const key of [...keys, `${t.prefix}:runs`]) {
      const ttl = await t.redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(3000);
      expect(ttl, key).toBeLessThanOrEqual(3600);
    }
  });

  it('admits one active run per space: a second is refused while the first is active, and admitted once it ended', async () => {
    const spaceConfig = { ...config, space_id: 'space-busy' };
    await store.create({ runId: 'run-first', config: spaceConfig, questions, source: 'inline' });
    await expect(store.create({ runId: 'run-second', config: spaceConfig, questions, source: 'inline' })).rejects.toBeInstanceOf(SpaceBusyError);
    expect(await store.get('run-second')).toBeUndefined();
    await store.transition('run-first', { type: 'cancel_requested' });
    expect((await store.create({ runId: 'run-third', config: spaceConfig, questions, source: 'inline' })).created).toBe(true);
    // concurrent starts on a free space: exactly one wins
    const other = { ...config, space_id: 'space-race' };
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((id) => store.create({ runId: `race-${id}`, config: other, questions, source: 'inline' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof SpaceBusyError)).toHaveLength(3);
  });
});
