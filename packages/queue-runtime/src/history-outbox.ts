import type { RedisClient } from './redis-client.ts';
import type { HistoryEvent } from '@genie-enhancer/shared';

/** The outbox stream: every stored run change, result and snapshot, in order, for the mirror worker. */
export const outboxKey = (prefix: string) => `${prefix}:history:outbox`;
/** Events the warehouse refused while the rest of their batch was written: kept for a person to look at. */
export const deadLetterKey = (prefix: string) => `${prefix}:history:dead`;
/** The consumer group of the mirror workers: each entry goes to one of them, and stays pending until acknowledged. */
export const MIRROR_GROUP = 'history-mirror';

export interface OutboxEntry { id: string; event: HistoryEvent }

type StreamReply = [string, [string, string[]][]][] | null;

const entries = (reply: [string, string[]][]): OutboxEntry[] =>
  reply.filter(([, fields]) => fields !== null).map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('event') + 1]) as HistoryEvent }));

/** Reading and acknowledging the outbox; what the mirror worker and the API's backlog report use. */
export class HistoryOutbox {
  constructor(readonly redis: RedisClient, readonly prefix = 'ge') {}

  private key = () => outboxKey(this.prefix);

  /** Creates the consumer group from the stream's start (and the stream) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key(), MIRROR_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  /** This consumer's entries that were delivered but not acknowledged (a failed write), oldest first. */
  async pending(consumer: string, count: number): Promise<OutboxEntry[]> {
    const reply = (await this.redis.xreadgroup('GROUP', MIRROR_GROUP, consumer, 'COUNT', count, 'STREAMS', this.key(), '0')) as StreamReply;
    return entries(reply?.[0]?.[1] ?? []);
  }

  /** Entries a consumer that died left pending for longer than `idleMs`, now this consumer's. */
  async claimAbandoned(consumer: string, idleMs: number, count: number): Promise<OutboxEntry[]> {
    const reply = (await this.redis.xautoclaim(this.key(), MIRROR_GROUP, consumer, idleMs, '0-0', 'COUNT', count)) as [string, [string, string[]][]];
    return entries(reply[1] ?? []);
  }

  /** New entries, waiting up to blockMs for some. */
  async next(consumer: string, count: number, blockMs: number): Promise<OutboxEntry[]> {
    const reply = (await this.redis.xreadgroup('GROUP', MIRROR_GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key(), '>')) as StreamReply;
    return entries(reply?.[0]?.[1] ?? []);
  }

  /** The entries are in the tables: acknowledged, and dropped from the stream. */
  async ack(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().xack(this.key(), MIRROR_GROUP, ...ids).xdel(this.key(), ...ids).exec();
  }

  /** Moves refused entries to the dead-letter stream and acknowledges them, in one step. */
  async deadLetter(dead: OutboxEntry[], reason: string): Promise<void> {
    if (dead.length === 0) return;
    const multi = this.redis.multi();
    for (const entry of dead) multi.xadd(deadLetterKey(this.prefix), '*', 'id', entry.id, 'reason', reason, 'event', JSON.stringify(entry.event));
    await multi.xack(this.key(), MIRROR_GROUP, ...dead.map((d) => d.id)).xdel(this.key(), ...dead.map((d) => d.id)).exec();
  }

  async deadLetters(): Promise<number> {
    return this.redis.xlen(deadLetterKey(this.prefix));
  }

  /** Every entry still in the stream (not yet mirrored), oldest first. */
  async all(): Promise<OutboxEntry[]> {
    return entries((await this.redis.xrange(this.key(), '-', '+')) as [string, string[]][]);
  }

  /** Events not yet in the tables: waiting for a mirror worker, or delivered and not yet written. */
  async backlog(): Promise<number> {
    return this.redis.xlen(this.key());
  }
}
