import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryOutbox, outboxKey, startHistoryMirror, type HistoryMirror } from '@genie-enhancer/queue-runtime';
import { DatabricksApiError, silentLogger, SqlExecutionError, type HistoryEvent, type HistoryWriter } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { until } from './helpers/until.ts';

const snapshot = (loop: number): HistoryEvent => ({ type: 'snapshot', run_id: 'r', loop, kind: 'before', space_id: 's', serialized_space: `{"loop":${loop}}`, taken_at: '2026-01-01T00:00:00.000Z' });

/** A writer that keeps what it was given; `fail` decides, per call, whether the warehouse refuses or is away. */
function recordingWriter(fail: (events: HistoryEvent[], call: number) => Error | undefined) {
  const written: HistoryEvent[] = [];
  let calls = 0;
  const writer: HistoryWriter = {
    async write(events) {
      const error = fail(events, ++calls);
      if (error) throw error;
      written.push(...events);
      return { rows: events.length, statements: 1 };
    },
  };
  return { writer, written, calls: () => calls };
}


describe('history outbox and mirror (real Redis)', () => {
  let t: TestRedis;
  let connections: Redis[];
  let mirrors: HistoryMirror[];
  const append = async (events: HistoryEvent[]) => {
    for (const e of events) await t.redis.xadd(outboxKey(t.prefix), '*', 'event', JSON.stringify(e));
  };
  const mirror = (writer: HistoryWriter, extra: { claimIdleMs?: number; consumer?: string } = {}) => {
    const redis = new Redis(t.url, { maxRetriesPerRequest: null });
    connections.push(redis);
    const m = startHistoryMirror({ redis, prefix: t.prefix, writer, logger: silentLogger, batchSize: 10, blockMs: 100, backoffMs: 20, maxBackoffMs: 50, ...extra });
    mirrors.push(m);
    return m;
  };

  beforeEach(async () => {
    t = await testRedis('outbox');
    connections = [];
    mirrors = [];
  });
  afterEach(async () => {
    for (const m of mirrors) await m.stop();
    for (const c of connections) await c.quit();
    await t.cleanup();
  });

  it('acknowledges a batch only after it was written: an outage keeps it, then it is written once in order', async () => {
    const events = [0, 1, 2, 3, 4].map(snapshot);
    await append(events);
    const outbox = new HistoryOutbox(t.redis, t.prefix);
    const w = recordingWriter((_e, call) => (call <= 3 ? new DatabricksApiError('warehouse away', undefined, 'WAREHOUSE_UNAVAILABLE', { retryable: true }) : undefined));
    mirror(w.writer);
    await until(() => w.calls() >= 2);
    expect(await outbox.backlog()).toBe(5);
    await until(async () => (await outbox.backlog()) === 0);
    expect(w.written).toEqual(events);
  });

  it('takes over the batch a dead consumer left pending', async () => {
    await append([0, 1, 2].map(snapshot));
    const outbox = new HistoryOutbox(t.redis, t.prefix);
    await outbox.ensureGroup();
    // this consumer reads and dies before writing
    expect(await outbox.next('dead-consumer', 10, 100)).toHaveLength(3);
    const w = recordingWriter(() => undefined);
    mirror(w.writer, { claimIdleMs: 200, consumer: 'survivor' });
    await until(async () => (await outbox.backlog()) === 0);
    expect(w.written.map((e) => (e as { loop: number }).loop)).toEqual([0, 1, 2]);
  });

  it('moves an event the warehouse refuses to the dead-letter stream and writes the rest of its batch', async () => {
    await append([0, 1, 2, 3].map(snapshot));
    const outbox = new HistoryOutbox(t.redis, t.prefix);
    const w = recordingWriter((events) => (events.some((e) => (e as { loop: number }).loop === 2) ? new SqlExecutionError('[DELTA_X] refused', '42000') : undefined));
    mirror(w.writer);
    await until(async () => (await outbox.backlog()) === 0);
    expect(w.written.map((e) => (e as { loop: number }).loop)).toEqual([0, 1, 3]);
    expect(await outbox.deadLetters()).toBe(1);
  });

  it('keeps a batch that every event of fails (permissions, a missing catalog) instead of dropping it', async () => {
    await append([0, 1].map(snapshot));
    const outbox = new HistoryOutbox(t.redis, t.prefix);
    const w = recordingWriter(() => new SqlExecutionError('[PERMISSION_DENIED] no CREATE SCHEMA', '42501'));
    mirror(w.writer);
    await until(() => w.calls() >= 6);
    expect(await outbox.backlog()).toBe(2);
    expect(await outbox.deadLetters()).toBe(0);
  });
});
