import { readFile } from 'node:fs/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectRedis, type RedisClient, type RedisTarget } from './redis-client.ts';
import { scaleMetrics } from './metrics.ts';
import { createCassetteRecorder, describeFailure, openWorkspace, recordWorkspace, RateLimitedError, resolveDatabricksAuth, RunAbortedError, type Logger, type Workspace } from '@genie-enhancer/shared';
import { JOB_CATALOG } from './job-catalog.ts';
import type { JobName } from './queues.ts';
import type { WorkerConfig } from './service-config.ts';
import { advance, STAGE_OF_JOB, type StageContext } from './stage-jobs.ts';

type RedisConfig = Omit<RedisTarget, 'REDIS_KEY_PREFIX'>;
type WorkspaceConfig = Pick<WorkerConfig, 'DATABRICKS_HOST' | 'DATABRICKS_TOKEN' | 'DATABRICKS_CONFIG_PROFILE' | 'DATABRICKS_CONFIG_FILE' | 'DATABRICKS_WAREHOUSE_PORT' | 'DATABRICKS_CA_CERT_FILE' | 'BENCHMARK_WAREHOUSE_TOKEN'> & Partial<Pick<WorkerConfig, 'GENIE_ENHANCER_RECORD_DIR'>>;

/** Redis for BullMQ workers: blocking commands must never give up (`maxRetriesPerRequest: null`). */
export function workerRedis(config: RedisConfig): RedisClient {
  return connectRedis(config, { maxRetriesPerRequest: null });
}

/** Redis for request handlers: fail fast instead of queueing commands while Redis is away. */
export function producerRedis(config: RedisConfig): RedisClient {
  return connectRedis(config, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

/** The workspace of DATABRICKS_HOST / DATABRICKS_TOKEN (or a ~/.databrickscfg profile); warehouse port and CA for the simulator. */
export async function workspaceFromConfig(config: WorkspaceConfig, logger: Logger, options: { retryGenieRateLimits?: boolean } = {}): Promise<Workspace> {
  // the SDK's credential chain reads the DATABRICKS_*, ARM_* and GOOGLE_* variables the config parsed
  const env = Object.fromEntries(Object.entries(config).filter(([k, v]) => /^(DATABRICKS|ARM|GOOGLE)_/.test(k) && typeof v === 'string')) as Record<string, string>;
  const auth = await resolveDatabricksAuth({ env });
  const workspace = openWorkspace({
    host: auth.host, auth, logger,
    ...(config.DATABRICKS_WAREHOUSE_PORT ? { warehousePort: config.DATABRICKS_WAREHOUSE_PORT } : {}),
    ...(config.DATABRICKS_CA_CERT_FILE ? { caCertPem: await readFile(config.DATABRICKS_CA_CERT_FILE, 'utf8') } : {}),
    ...(options.retryGenieRateLimits === false ? { retryGenieRateLimits: false } : {}),
    ...(config.BENCHMARK_WAREHOUSE_TOKEN ? { benchmarkWarehouseToken: config.BENCHMARK_WAREHOUSE_TOKEN } : {}),
  });
  if (!config.GENIE_ENHANCER_RECORD_DIR) return workspace;
  const secrets = [config.DATABRICKS_TOKEN, await auth.token().catch(() => undefined), env.DATABRICKS_CLIENT_SECRET, env.ARM_CLIENT_SECRET].filter((s): s is string => !!s);
  logger.info({ record_dir: config.GENIE_ENHANCER_RECORD_DIR }, 'recording every exchange with the workspace');
  const onError = (error: Error, file: string) => logger.warn({ file, err: error.message }, 'recording: a line could not be written; the recording is incomplete');
  return recordWorkspace(workspace, createCassetteRecorder(config.GENIE_ENHANCER_RECORD_DIR, { hosts: [auth.host], secrets }, onError));
}

/** Parses job data with its catalog schema; bad data or an unknown job fails at once, never retried. */
export function parseJob(job: Pick<Job, 'name' | 'data'>): { name: JobName; data: unknown } {
  const entry = JOB_CATALOG[job.name as JobName] as (typeof JOB_CATALOG)[JobName] | undefined;
  if (!entry) throw new UnrecoverableError(`unknown job "${job.name}"`);
  const parsed = entry.schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad data for job "${job.name}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`);
  return { name: job.name as JobName, data: parsed.data };
}

export interface StageWorkerOptions {
  queue: string;
  connection: RedisClient;
  /** BullMQ key prefix, the run store's too */
  prefix: string;
  ctx: StageContext;
  concurrency: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * A BullMQ worker over the job catalog: job data parsed at the boundary, one log line per job event, a Genie 429
 * parks the queue for Retry-After without spending an attempt, and a job failing for good fails its run with the
 * reason (an outage, never a verdict).
 */
export function startStageWorker(options: StageWorkerOptions): Worker {
  const { ctx } = options;
  const logger = ctx.logger;
  const worker: Worker = new Worker(
    options.queue,
    async (job) => {
      const log = logger.child({ job_id: job.id, job: job.name, run_id: (job.data as { run_id?: unknown })?.run_id });
      const { name, data } = parseJob(job);
      log.info({ attempt: job.attemptsMade + 1 }, 'job started');
      try {
        const result = await (JOB_CATALOG[name].handler as (c: StageContext, d: unknown) => Promise<unknown>)(ctx, data);
        log.info({ result }, 'job done');
        return result;
      } catch (error) {
        if (error instanceof RateLimitedError) {
          const waitMs = error.retryAfterMs ?? 5_000;
          log.warn({ wait_ms: waitMs }, 'genie rate limited; queue waits');
          await worker.rateLimit(waitMs);
          throw Worker.RateLimitError();
        }
        // the run cannot go on safely: no retry would help
        if (error instanceof RunAbortedError) throw new UnrecoverableError(error.message);
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
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const runId = (job.data as { run_id?: unknown })?.run_id;
    logger.error({ job_id: job.id, job: job.name, run_id: runId, attempt: job.attemptsMade, final, err: error.message }, 'job failed');
    const stage = STAGE_OF_JOB[job.name as JobName];
    if (final && typeof runId === 'string' && stage) {
      void advance(ctx, runId, { type: 'stage_failed', stage, reason: describeFailure(error) }).catch((e: unknown) => logger.error({ err: (e as Error).message, run_id: runId }, 'could not fail the run'));
    }
  });
  worker.on('completed', (job, result: { verdict?: string; reused?: boolean } | undefined) => {
    if (job.name === 'score-question' && result?.verdict && !result.reused) scaleMetrics.questionsScored.inc({ verdict: result.verdict });
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
