import type { Job } from 'bullmq';
import { createLogger, type Logger } from '../util/logger.ts';
import { GenieRateLimiter, rateLimitedGenie } from './genie-rate-limit.ts';
import { RunStore, type RunRecord } from './run-store.ts';
import { genieRateLimitSettings, workerSettings } from './service-env.ts';
import type { StageContext } from './stage-jobs.ts';
import { chainEnqueuer, closeOnSignals, startStageWorker, workerRedis, workspaceFromEnv, type Env } from './worker-runtime.ts';

export interface StageServiceSpec {
  /** service name in every log line */
  name: string;
  queue: string;
  defaultConcurrency: number;
  /** the scorer asks Genie: its questions go through the shared rate limit */
  asksGenie?: boolean;
  /** job name → stage function */
  handlers: Record<string, (ctx: StageContext, data: never) => Promise<unknown>>;
}

/** Boots one worker service: Redis, run store, workspace clients, the BullMQ worker, graceful shutdown. */
export async function runStageService(spec: StageServiceSpec, env: Env = process.env) {
  const logger = createLogger(spec.name, { level: env.LOG_LEVEL ?? 'info' });
  try {
    return await startService(spec, env, logger);
  } catch (error) {
    // a bad setting or an unreachable dependency at start: one line naming it, then a non-zero exit
    logger.fatal({ err: (error as Error).message }, 'cannot start');
    process.exit(1);
  }
}

async function startService(spec: StageServiceSpec, env: Env, logger: Logger) {
  const settings = workerSettings(env, { concurrency: spec.defaultConcurrency });
  const connection = workerRedis(env);
  const store = new RunStore(connection, settings.redisPrefix);
  const workspace = await workspaceFromEnv(env, logger, { retryGenieRateLimits: !spec.asksGenie });
  const enqueue = chainEnqueuer(connection, settings.redisPrefix);
  const limiter = spec.asksGenie ? new GenieRateLimiter(connection, genieRateLimitSettings(env), settings.redisPrefix) : undefined;
  // the run's genie_concurrency (1 with batch: false) caps its own questions in flight, under the global limit
  const genieFor = limiter && ((run: RunRecord) => rateLimitedGenie(workspace.genie, limiter, { runId: run.run_id, maxInFlight: run.config.batch ? run.config.genie_concurrency : 1 }));
  const ctx: StageContext = { store, workspace, enqueue, logger, ...(genieFor ? { genieFor } : {}), ...(env.PROMPTS_DIR ? { promptsDir: env.PROMPTS_DIR } : {}) };

  const worker = startStageWorker({
    queue: spec.queue,
    connection,
    prefix: settings.redisPrefix,
    store,
    logger,
    concurrency: settings.concurrency,
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.stalledIntervalMs,
    process: (job: Job) => {
      const handler = spec.handlers[job.name];
      if (!handler) throw new Error(`${spec.name} has no handler for job "${job.name}"`);
      return handler(ctx, job.data as never);
    },
  });
  await worker.waitUntilReady();
  logger.info({ queue: spec.queue, concurrency: settings.concurrency, pid: process.pid }, 'worker ready');
  closeOnSignals(logger, [() => worker.close(), () => enqueue.close(), () => workspace.close(), () => connection.quit()]);
  return worker;
}
