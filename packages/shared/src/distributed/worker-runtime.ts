import { readFile } from 'node:fs/promises';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { resolveDatabricksConfig } from '../config/databricks-config.ts';
import { openWorkspace, type Workspace } from '../clients/workspace.ts';
import { RateLimitedError } from '../errors/index.ts';
import type { Logger } from '../util/logger.ts';
import { jobIds, QUEUES, scoringPassFlow, STAGE_JOB_OPTIONS, type ApplyJobData } from './queues.ts';
import { RunStore } from './run-store.ts';
import type { StageContext } from './stage-jobs.ts';

export type Env = Record<string, string | undefined>;

/** Redis for BullMQ workers: blocking commands must never give up (`maxRetriesPerRequest: null`). */
export function workerRedis(env: Env): Redis {
  return new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
}

/** Redis for request handlers: fail fast instead of queueing commands while Redis is away. */
export function producerRedis(env: Env): Redis {
  return new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

/** The workspace of DATABRICKS_HOST / DATABRICKS_TOKEN (or a ~/.databrickscfg profile); warehouse port and CA for the simulator. */
export async function workspaceFromEnv(env: Env, logger: Logger, options: { retryGenieRateLimits?: boolean } = {}): Promise<Workspace> {
  const { host, token } = await resolveDatabricksConfig({ env });
  return openWorkspace({
    host, token, logger,
    ...(env.DATABRICKS_WAREHOUSE_PORT ? { warehousePort: Number(env.DATABRICKS_WAREHOUSE_PORT) } : {}),
    ...(env.DATABRICKS_CA_CERT_FILE ? { caCertPem: await readFile(env.DATABRICKS_CA_CERT_FILE, 'utf8') } : {}),
    ...(options.retryGenieRateLimits === false ? { retryGenieRateLimits: false } : {}),
  });
}

/** How a stage job continues the chain: apply jobs and scoring-pass flows, with idempotent job ids. */
export function chainEnqueuer(connection: Redis, prefix: string): StageContext['enqueue'] & { close(): Promise<void> } {
  const applyQueue = new Queue<ApplyJobData>(QUEUES.apply, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  return {
    async apply(data) {
      await applyQueue.add('apply', data, { ...STAGE_JOB_OPTIONS, jobId: jobIds.apply(data.run_id, data.loop) });
    },
    async scoringPass(runId, pass, count) {
      await flows.add(scoringPassFlow(runId, pass, count));
    },
    async close() {
      await Promise.all([applyQueue.close(), flows.close()]);
    },
  };
}

export interface StageWorkerOptions {
  queue: string;
  connection: Redis;
  /** BullMQ key prefix, the run store's too */
  prefix: string;
  store: RunStore;
  logger: Logger;
  concurrency: number;
  process(job: Job): Promise<unknown>;
  /** a lapsed lock (killed process) is noticed after this long */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * A BullMQ worker around a stage function: one log line per job event, a Genie 429 parks the whole queue for
 * Retry-After without spending an attempt, a job failing for good fails its run, SIGTERM/SIGINT drain and exit.
 */
export function startStageWorker(options: StageWorkerOptions): Worker {
  const { logger } = options;
  const worker: Worker = new Worker(
    options.queue,
    async (job) => {
      const log = logger.child({ job_id: job.id, job: job.name, run_id: (job.data as { run_id?: string }).run_id });
      log.info({ attempt: job.attemptsMade + 1 }, 'job started');
      try {
        const result = await options.process(job);
        log.info({ result }, 'job done');
        return result;
      } catch (error) {
        if (error instanceof RateLimitedError) {
          const waitMs = error.retryAfterMs ?? 5_000;
          log.warn({ wait_ms: waitMs }, 'genie rate limited; queue waits');
          await worker.rateLimit(waitMs);
          throw Worker.RateLimitError();
        }
        throw error;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.error({ job_id: job.id, job: job.name, run_id: job.data?.run_id, attempt: job.attemptsMade, final, err: error.message }, 'job failed');
    // a question that fails for good is recorded by its pass; any other stage failing for good ends the run
    if (final && job.data?.run_id && job.name !== 'score-question') void options.store.fail(job.data.run_id, `${job.name} failed: ${error.message}`);
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'worker error'));
  return worker;
}

/**
 * Drains the worker on SIGTERM/SIGINT: jobs in progress may finish within graceMs; past it the process exits and
 * their locks lapse, so another worker picks them up as stalled jobs.
 */
export function closeOnSignals(logger: Logger, closers: (() => Promise<unknown>)[], graceMs = 25_000): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, grace_ms: graceMs }, 'shutting down');
    setTimeout(() => {
      logger.warn('jobs still running after the grace period; exiting, they will be picked up elsewhere');
      process.exit(1);
    }, graceMs).unref();
    for (const close of closers) await close().catch((error: unknown) => logger.error({ err: (error as Error).message }, 'close failed'));
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
