import { fileURLToPath } from 'node:url';
import { ApiConfig, closeOnSignals, parseServiceConfig, producerRedis, redisKeyPrefix, workspaceFromConfig } from '@genie-enhancer/queue-runtime';
import { createLogger, type GenieSpaces } from '@genie-enhancer/shared';
import { buildApi } from './app.ts';
import { securityFromConfig } from './security-config.ts';

let logger = createLogger('api');
try {
  const config = parseServiceConfig(ApiConfig, process.env);
  logger = createLogger('api', { level: config.LOG_LEVEL });
  const redis = producerRedis(config);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  let spaces: Promise<GenieSpaces> | undefined;
  const app = await buildApi({
    redis,
    logger,
    benchmarksDir: config.BENCHMARKS_DIR ?? fileURLToPath(new URL('../../../benchmarks/', import.meta.url)),
    redisPrefix: redisKeyPrefix(config),
    retryBackoffMs: config.JOB_RETRY_BACKOFF_MS,
    runRetentionSeconds: Math.round(config.RUN_RETENTION_DAYS * 24 * 3600),
    stalledAfterSeconds: config.RUN_STALLED_AFTER_S,
    ...securityFromConfig(config),
    // opened on first use; a failure is not cached, the next request tries again
    spaces: () => (spaces ??= workspaceFromConfig(config, logger).then((w) => w.spaces, (error: unknown) => {
      spaces = undefined;
      throw error;
    })),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  closeOnSignals(logger, [() => app.close(), () => redis.quit()]);
} catch (error) {
  logger.fatal({ err: (error as Error).message }, 'cannot start');
  process.exit(1);
}
