import { fileURLToPath } from 'node:url';
import { ApiConfig, closeOnSignals, historyOutboxOptions, historyWarehouseId, parseServiceConfig, producerRedis, redisKeyPrefix, workspaceFromConfig } from '@genie-enhancer/queue-runtime';
import { createHistoryReader, createLogger, historyTarget, type GenieSpaces, type Workspace } from '@genie-enhancer/shared';
import { buildApi } from './app.ts';
import { securityFromConfig } from './security-config.ts';

let logger = createLogger('api');
try {
  const config = parseServiceConfig(ApiConfig, process.env);
  logger = createLogger('api', { level: config.LOG_LEVEL });
  const redis = producerRedis(config);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  // opened on first use; a failure is not cached, the next request tries again
  let workspace: Promise<Workspace> | undefined;
  const openWorkspace = () => (workspace ??= workspaceFromConfig(config, logger).catch((error: unknown) => {
    workspace = undefined;
    throw error;
  }));
  const historyWarehouse = historyWarehouseId(config);
  const target = historyTarget(config.HISTORY_CATALOG, config.HISTORY_SCHEMA);
  const outbox = historyOutboxOptions(config);
  const app = await buildApi({
    redis,
    logger,
    benchmarksDir: config.BENCHMARKS_DIR ?? fileURLToPath(new URL('../../../benchmarks/', import.meta.url)),
    redisPrefix: redisKeyPrefix(config),
    retryBackoffMs: config.JOB_RETRY_BACKOFF_MS,
    runRetentionSeconds: Math.round(config.RUN_RETENTION_DAYS * 24 * 3600),
    stalledAfterSeconds: config.RUN_STALLED_AFTER_S,
    ...securityFromConfig(config),
    spaces: () => openWorkspace().then((w) => w.spaces),
    history: {
      target,
      ...(outbox ? { outbox } : {}),
      ...(historyWarehouse ? { reader: () => openWorkspace().then((w) => createHistoryReader({ warehouse: w.warehouse(historyWarehouse), target, timeoutMs: 15_000 })) } : {}),
    },
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  closeOnSignals(logger, [() => app.close(), () => redis.quit()]);
} catch (error) {
  logger.fatal({ err: (error as Error).message }, 'cannot start');
  process.exit(1);
}
