import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Runs live in Redis: the append-only file, fsynced every second, keeps them across a restart (as compose does). */
export const aofRedisArgs = (port: number, dir: string): string[] =>
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no'];

/** a TCP port free right now on 127.0.0.1 (the OS picks it) */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Resolves once the server on `port` answers PING (a server still loading its AOF answers LOADING: not yet). */
export async function waitForRedis(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
}

export interface AofRedisServer {
  child: ChildProcess;
  /** graceful: SIGTERM makes redis-server flush the AOF before it exits */
  stop(): Promise<void>;
}

/** Starts redis-server with AOF on `port`, its data in `dir` (created); resolves once it serves. */
export async function spawnAofRedis(port: number, dir: string): Promise<AofRedisServer> {
  mkdirSync(dir, { recursive: true });
  const child = spawn('redis-server', aofRedisArgs(port, dir), { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`cannot start redis-server (is it installed?): ${error.message}`))));
  await Promise.race([waitForRedis(port), failed]);
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Why a Redis someone else runs may lose runs on a restart: no AOF (RDB snapshots lose the last minutes), or a
 * configuration we may not read. Undefined when it persists with AOF.
 */
export async function persistenceWarning(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    if (appendonly === 'yes') return undefined;
    return `Redis at ${url} runs without AOF (appendonly ${appendonly ?? 'unknown'}): a restart loses runs in progress; persistence is required (appendonly yes, appendfsync everysec)`;
  } catch (error) {
    return `could not read the persistence settings of Redis at ${url} (${(error as Error).message}); persistence is required (appendonly yes, appendfsync everysec)`;
  } finally {
    redis.disconnect();
  }
}
