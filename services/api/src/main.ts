import { fileURLToPath } from 'node:url';
import { closeOnSignals, createLogger, producerRedis, workspaceFromEnv, type GenieSpaces } from '@genie-enhancer/shared';
import { buildApi } from './app.ts';

const env = process.env;
const logger = createLogger('api', { level: env.LOG_LEVEL ?? 'info' });
const redis = producerRedis(env);
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
let spaces: Promise<GenieSpaces> | undefined;
const app = await buildApi({
  redis,
  logger,
  benchmarksDir: env.BENCHMARKS_DIR ?? fileURLToPath(new URL('../../../benchmarks/', import.meta.url)),
  ...(env.REDIS_KEY_PREFIX ? { redisPrefix: env.REDIS_KEY_PREFIX } : {}),
  spaces: () => (spaces ??= workspaceFromEnv(env, logger).then((w) => w.spaces)),
});
await app.listen({ port: Number(env.PORT ?? 3000), host: env.HOST ?? '0.0.0.0' });
closeOnSignals(logger, [() => app.close(), () => redis.quit()]);
