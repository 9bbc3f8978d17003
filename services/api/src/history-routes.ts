import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '@genie-enhancer/queue-runtime';
import { HistoryOutbox } from '@genie-enhancer/queue-runtime';
import type { HistoryReader, HistoryTarget } from '@genie-enhancer/shared';

export interface ApiHistoryOptions {
  /** the API's own run changes (start, cancel, decisions) go to the outbox too */
  outbox?: { maxLength: number };
  /** reads runs Redis no longer holds from the Delta tables; opened on first use */
  reader?: () => Promise<HistoryReader>;
  target?: HistoryTarget;
}

/** GET /history: whether history is kept, where, and how many events wait for the mirror (a warehouse outage grows it). */
export function registerHistoryRoutes(app: FastifyInstance, options: { redis: RedisClient; prefix: string; history?: ApiHistoryOptions }): void {
  const outbox = new HistoryOutbox(options.redis, options.prefix);
  app.get('/history', { schema: { summary: 'Run history in Delta: target tables and the outbox backlog not yet mirrored' } }, async () => ({
    enabled: options.history?.outbox !== undefined,
    readable: options.history?.reader !== undefined,
    target: options.history?.target ? `${options.history.target.catalog}.${options.history.target.schema}` : null,
    backlog: await outbox.backlog(),
    /** events the warehouse refused (see the mirror's log); never retried on their own */
    dead_letters: await outbox.deadLetters(),
  }));
}
