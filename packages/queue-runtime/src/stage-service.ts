import { createLogger, type Logger } from '@genie-enhancer/shared';
import { createDispatcher } from './dispatcher.ts';
import { GenieRateLimiter, rateLimitedGenie, workspaceKey } from './genie-rate-limit.ts';
import { serveMetrics, watchQueues } from './metrics.ts';
import { redisKeyPrefix, type RedisClient } from './redis-client.ts';
import { Queue } from 'bullmq';
import { jobsOfQueue } from './job-catalog.ts';
import type { QueueName } from './queues.ts';
import { RunStore } from './run-store.ts';
import { genieRateLimitSettings, historyOutboxOptions, parseServiceConfig, ScorerConfig, WorkerConfig, type Env } from './service-config.ts';
import type { StageContext } from './stage-jobs.ts';
import { closeOnSignals, startStageWorker, workerRedis, workspaceFromConfig } from './worker-runtime.ts';

export interface StageServiceSpec {
  /** service name in every log line */
  name: string;
  queue: QueueName;
  defaultConcurrency: number;
  /** the scorer asks Genie: its questions go through the shared rate limit */
  asksGenie?: boolean;
}

/** Boots one worker service: config, Redis, run store, workspace clients, the BullMQ worker, graceful shutdown. */
export async function runStageService(spec: StageServiceSpec, env: Env) {
  let logger: Logger = createLogger(spec.name);
  try {
    const config = parseServiceConfig(spec.asksGenie ? ScorerConfig : WorkerConfig, env);
    logger = createLogger(spec.name, { level: config.LOG_LEVEL });
    return await startService(spec, config, logger);
  } catch (error) {
    // a bad setting or an unreachable dependency at start: one line naming it, then a non-zero exit
    logger.fatal({ err: (error as Error).message }, 'cannot start');
    process.exit(1);
  }
}

async function startService(spec: StageServiceSpec, config: WorkerConfig | ScorerConfig, logger: Logger) {
  const prefix = redisKeyPrefix(config);
  const connection = workerRedis(config);
  const workspace = await workspaceFromConfig(config, logger, { retryGenieRateLimits: !spec.asksGenie });
  const dispatcher = createDispatcher(connection, prefix, { retryBackoffMs: config.JOB_RETRY_BACKOFF_MS });
  // the limit is the workspace's: every scorer (of any stack) asking this host shares it
  const limiter = spec.asksGenie ? new GenieRateLimiter(connection, genieRateLimitSettings(config as ScorerConfig), workspaceKey(workspace.host)) : undefined;
  const ctx: StageContext = {
    store: new RunStore(connection, prefix, Math.round(config.RUN_RETENTION_DAYS * 24 * 3600), historyOutboxOptions(config)),
    workspace,
    dispatcher,
    logger,
    // the run's genie_concurrency (1 with batch: false) caps its own questions in flight, under the global limit
    ...(limiter ? { genieFor: (state) => rateLimitedGenie(workspace.genie, limiter, { runId: state.run_id, maxInFlight: state.config.batch ? state.config.genie_concurrency : 1 }) } : {}),
    ...(config.PROMPTS_DIR ? { promptsDir: config.PROMPTS_DIR } : {}),
  };
  const concurrency = config.WORKER_CONCURRENCY ?? spec.defaultConcurrency;
  const worker = startStageWorker({
    queue: spec.queue, connection, prefix, ctx, concurrency,
    lockDurationMs: config.WORKER_LOCK_DURATION_MS, stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
  });
  await worker.waitUntilReady();
  const metrics = await startWorkerMetrics(config, connection, prefix, spec.queue, logger);
  logger.info({ queue: spec.queue, jobs: jobsOfQueue(spec.queue), concurrency, pid: process.pid, ...(limiter ? { genie_limit_workspace: limiter.workspace } : {}) }, 'worker ready');
  closeOnSignals(logger, [() => worker.close(), ...metrics, () => dispatcher.close(), () => workspace.close(), () => connection.quit()]);
  return worker;
}

/** METRICS_PORT set: GET /metrics on it, with this worker's queue depth and age; returns what closes it. */
async function startWorkerMetrics(config: WorkerConfig, connection: RedisClient, prefix: string, queueName: QueueName, logger: Logger): Promise<(() => Promise<unknown>)[]> {
  if (config.METRICS_PORT === undefined) return [];
  const queue = new Queue(queueName, { connection, prefix });
  const unwatch = watchQueues([queue]);
  const server = await serveMetrics(config.METRICS_PORT, config.METRICS_HOST);
  const { port } = server.address() as { port: number };
  logger.info({ metrics_port: port, host: config.METRICS_HOST }, 'metrics listening');
  return [() => new Promise((resolve) => server.close(resolve)), async () => (unwatch(), await queue.close())];
}
