import { fileURLToPath } from 'node:url';
import { closeOnSignals, createLogger, producerRedis, workspaceFromEnv, type GenieSpaces } from '@genie-enhancer/shared';
import { buildApi } from './app.ts';
import { securityFromEnv } from './security-env.ts';

const env = process.env;
const logger = createLogger('api', { level: env.LOG_LEVEL ?? 'info' });
try {
  const redis = producerRedis(env);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  let spaces: Promise<GenieSpaces> | undefined;
  const app = await buildApi({
    redis,
    logger,
    benchmarksDir: env.BENCHMARKS_DIR ?? fileURLToPath(new URL('../../../benchmarks/', import.meta.url)),
    ...(env.REDIS_KEY_PREFIX ? { redisPrefix: env.REDIS_KEY_PREFIX } : {}),
    ...securityFromEnv(env),
    // opened on first use; a failure is not cached, the next request tries again
    spaces: () => (spaces ??= workspaceFromEnv(env, logger).then((w) => w.spaces, (error: unknown) => {
      spaces = undefined;
      throw error;
    })),
  });
  await app.listen({ port: Number(env.PORT ?? 3000), host: env.HOST ?? '127.0.0.1' });
  closeOnSignals(logger, [() => app.close(), () => redis.quit()]);
} catch (error) {
  logger.fatal({ err: (error as Error).message }, 'cannot start');
  process.exit(1);
}
