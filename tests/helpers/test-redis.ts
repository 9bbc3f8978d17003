import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  /** unique per test file, so parallel files never share queues, runs or rate limits */
  prefix: string;
  /** a connection for assertions (maxRetriesPerRequest: null, usable by BullMQ too) */
  redis: Redis;
  /** deletes every key under the prefix and closes the connection */
  cleanup(): Promise<void>;
}

let containerUrl: Promise<string> | undefined;

/** REDIS_URL when set (CI sets it); otherwise a Redis container where a Docker engine exists; else localhost. */
async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (existsSync('/var/run/docker.sock') || process.env.DOCKER_HOST) {
    containerUrl ??= import('@testcontainers/redis').then(async ({ RedisContainer }) => (await new RedisContainer('redis:7-alpine').start()).getConnectionUrl());
    return containerUrl;
  }
  return 'redis://127.0.0.1:6379';
}

/** `url`: a Redis of the test's own (e.g. one it restarts) instead of the shared one */
export async function testRedis(name: string, url?: string): Promise<TestRedis> {
  url ??= await redisUrl();
  const prefix = `test-${name}-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  return {
    url,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
