import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnAofRedis, type AofRedisServer } from '../../scripts/stack-redis.ts';

/** A redis-server of the test's own, persisting with AOF (as compose and `pnpm stack` run it), that can be restarted. */
export interface AofRedis {
  url: string;
  port: number;
  dir: string;
  /** graceful shutdown (the AOF is flushed), then a new server on the same port and data directory */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAofRedis(): Promise<AofRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'genie-aof-redis-'));
  let server: AofRedisServer = await spawnAofRedis(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    restart: async () => {
      await server.stop();
      server = await spawnAofRedis(port, dir);
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
