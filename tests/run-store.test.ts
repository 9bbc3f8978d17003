import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyConflictError, RunStore } from '@genie-enhancer/queue-runtime';
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
    const first = await store.create({ runId: 'run-d', config, questions, source: 'inline', idempotencyKey: 'k-retry' });
    expect(first.created).toBe(true);
    await store.forgetIdempotencyKey('k-retry');
    expect((await store.create({ runId: 'run-e', config, questions, source: 'inline', idempotencyKey: 'k-retry' })).run.state.run_id).toBe('run-e');
  });

  it('gives every key of a run a retention TTL, kept through transitions, results and snapshots', async () => {
    const ttlStore = new RunStore(t.redis, t.prefix, 3600);
    const { step } = await ttlStore.create({ runId: 'run-ttl', config, questions, source: 'inline' });
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
});
