import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** One Redis, or a Redis Cluster (REDIS_CLUSTER_NODES): every key set a script or MULTI touches shares a hash tag. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  REDIS_URL: string;
  /** `host:port,host:port`: seed nodes of a Redis Cluster; REDIS_URL then only gives the user and password */
  REDIS_CLUSTER_NODES?: string | undefined;
  REDIS_KEY_PREFIX: string;
}

export function clusterNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((node) => {
    const match = /^(.+):(\d{1,5})$/.exec(node);
    if (!match) throw new Error(`REDIS_CLUSTER_NODES: "${node}" is not host:port`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  });
}

/** A client for the target; `options` are each node connection's (maxRetriesPerRequest, enableOfflineQueue). */
export function connectRedis(target: Omit<RedisTarget, 'REDIS_KEY_PREFIX'>, options: RedisOptions): RedisClient {
  if (!target.REDIS_CLUSTER_NODES) return new Redis(target.REDIS_URL, options);
  const url = new URL(target.REDIS_URL);
  const credentials: RedisOptions = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const { enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster(clusterNodes(target.REDIS_CLUSTER_NODES), {
    redisOptions: { ...nodeOptions, ...credentials },
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
  });
}

/**
 * The key prefix of queues and the run store. On a cluster it must be a hash tag, so a BullMQ flow (jobs of three
 * queues in one MULTI), the run store's MULTIs and scripts each touch one slot: `ge` becomes `{ge}`. A prefix that
 * already holds a tag is kept.
 */
export function redisKeyPrefix(target: Pick<RedisTarget, 'REDIS_KEY_PREFIX' | 'REDIS_CLUSTER_NODES'>): string {
  const prefix = target.REDIS_KEY_PREFIX;
  return target.REDIS_CLUSTER_NODES && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}
