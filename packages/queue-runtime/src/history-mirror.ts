import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from './redis-client.ts';
import { SqlExecutionError, type HistoryWriter, type Logger } from '@genie-enhancer/shared';
import { HistoryOutbox, type OutboxEntry } from './history-outbox.ts';

export interface HistoryMirrorOptions {
  /** a connection of its own: the mirror blocks on XREADGROUP */
  redis: RedisClient;
  prefix: string;
  writer: HistoryWriter;
  logger: Logger;
  /** entries per batch (one MERGE per table and batch) */
  batchSize?: number;
  /** how long one read waits for new entries */
  blockMs?: number;
  /** a failed write is tried again after this, doubling to maxBackoffMs, with jitter */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** entries another consumer left pending this long are taken over (that consumer died) */
  claimIdleMs?: number;
  consumer?: string;
}

export interface HistoryMirror {
  /** batches written so far (failures are logged and retried, never thrown) */
  readonly batches: number;
  stop(): Promise<void>;
}

/**
 * Drains the history outbox into the Delta tables: read a batch (first what this consumer left pending, then what
 * dead consumers left, then new entries), MERGE it, and only then acknowledge it. A failed write leaves the batch
 * pending and is retried with backoff; a warehouse outage only grows the backlog. Scaled out, several mirrors share
 * the consumer group; rows are keyed and revisioned, so order and repeats do not matter.
 */
export function startHistoryMirror(options: HistoryMirrorOptions): HistoryMirror {
  const outbox = new HistoryOutbox(options.redis, options.prefix);
  const consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = options.logger.child({ component: 'history-mirror', consumer });
  const batchSize = options.batchSize ?? 200;
  const blockMs = options.blockMs ?? 2_000;
  const baseBackoff = options.backoffMs ?? 1_000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let stopping = false;
  let batches = 0;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => (clearTimeout(timer), resolve());
  });

  async function nextBatch(): Promise<OutboxEntry[]> {
    const mine = await outbox.pending(consumer, batchSize);
    if (mine.length > 0) return mine;
    const abandoned = await outbox.claimAbandoned(consumer, options.claimIdleMs ?? 60_000, batchSize);
    if (abandoned.length > 0) return abandoned;
    return outbox.next(consumer, batchSize, blockMs);
  }

  /** The statement ran and was refused (not an outage: a connection-class SQLSTATE 08 is one). */
  const refused = (error: unknown) => error instanceof SqlExecutionError && !String(error.sqlState ?? '').startsWith('08');

  /**
   * A batch the warehouse refuses is written event by event: events that fail while others of the batch succeed
   * are poison (they would block the stream for ever) and go to the dead-letter stream. If none succeeds, the
   * cause is the warehouse or its permissions, and the whole batch is retried later.
   */
  async function isolate(batch: OutboxEntry[], cause: unknown): Promise<{ rows: number; statements: number }> {
    const poison: OutboxEntry[] = [];
    const total = { rows: 0, statements: 0 };
    for (const entry of batch) {
      try {
        const written = await options.writer.write([entry.event]);
        total.rows += written.rows;
        total.statements += written.statements;
      } catch (error) {
        if (!refused(error)) throw error;
        poison.push(entry);
      }
    }
    if (poison.length === batch.length) throw cause;
    await outbox.deadLetter(poison, String((cause as Error).message));
    log.error({ dead_letters: poison.map((p) => p.id), err: (cause as Error).message }, 'history events refused by the warehouse; moved to the dead-letter stream');
    return total;
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        await outbox.ensureGroup();
        const batch = await nextBatch();
        if (batch.length === 0) continue;
        const written = await options.writer.write(batch.map((e) => e.event)).catch((error: unknown) => (refused(error) && batch.length > 1 ? isolate(batch, error) : Promise.reject(error)));
        await outbox.ack(batch.map((e) => e.id));
        batches++;
        failures = 0;
        log.info({ events: batch.length, rows: written.rows, statements: written.statements }, 'history batch mirrored');
      } catch (error) {
        if (stopping) break;
        failures++;
        const delay = Math.min(maxBackoff, baseBackoff * 2 ** Math.min(failures - 1, 10)) * (0.5 + Math.random() / 2);
        log.warn({ err: (error as Error).message, failures, retry_in_ms: Math.round(delay), backlog: await outbox.backlog().catch(() => null) }, 'history write failed; batch stays pending');
        await sleep(delay);
      }
    }
  })();

  return {
    get batches() {
      return batches;
    },
    async stop() {
      stopping = true;
      wake?.();
      // a blocked XREADGROUP returns within blockMs
      await loop;
    },
  };
}
