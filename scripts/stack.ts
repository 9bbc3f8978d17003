/**
 * `pnpm stack [-- --scorers 2 --port 3000 --dataset DIR --sim-data-dir DIR]`: the docker-compose stack as local processes:
 * the API, N scorer workers, a planner, an applier and the history mirror, plus the workspace simulator unless
 * DATABRICKS_HOST names a real workspace. Redis: REDIS_URL when set (warned about when it does not persist with AOF),
 * else a redis-server of the stack's own with AOF under `.stack/redis`, so runs survive a restart of the stack.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSimulator } from '@genie-enhancer/databricks-sim';
import { createLogger } from '@genie-enhancer/shared';
import { spawnService, type ServiceKind, type ServiceProcess } from './service-processes.ts';
import { freePort, persistenceWarning, spawnAofRedis } from './stack-redis.ts';

const logger = createLogger('stack');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    scorers: { type: 'string', default: '2' },
    port: { type: 'string', default: '3000' },
    dataset: { type: 'string', multiple: true },
    'sim-port': { type: 'string', default: '8080' },
    /** the simulator's Genie limit, and the workers' shared limit */
    qpm: { type: 'string', default: '120' },
    /** keep the simulated warehouse's tables (run history) in a DuckDB file here, across restarts */
    'sim-data-dir': { type: 'string' },
  },
});
const scorers = Number(values.scorers);
if (!Number.isInteger(scorers) || scorers < 1) {
  process.stderr.write(`stack: --scorers must be a whole number ≥ 1, got "${values.scorers}"\n`);
  process.exit(2);
}

let stopRedis = async () => {};
let redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const warning = await persistenceWarning(redisUrl);
  if (warning) logger.warn({ redis: redisUrl }, warning);
} else {
  const port = await freePort();
  const dir = join(import.meta.dirname, '..', '.stack', 'redis');
  const redis = await spawnAofRedis(port, dir);
  redisUrl = `redis://127.0.0.1:${port}`;
  stopRedis = () => redis.stop();
  logger.info({ redis: redisUrl, dir, appendonly: 'yes', appendfsync: 'everysec' }, 'redis started with AOF');
}

const env: Record<string, string | undefined> = {
  REDIS_URL: redisUrl,
  PORT: values.port,
  GENIE_QUESTIONS_PER_MINUTE: process.env.GENIE_QUESTIONS_PER_MINUTE ?? (process.env.DATABRICKS_HOST ? undefined : values.qpm),
  GENIE_MAX_IN_FLIGHT: process.env.GENIE_MAX_IN_FLIGHT ?? (process.env.DATABRICKS_HOST ? undefined : '8'),
  // an admin key for this session only, printed once below (never logged)
  GENIE_ENHANCER_BOOTSTRAP_KEY: process.env.GE_KEY ?? randomBytes(24).toString('hex'),
};
let closeSim = async () => {};
if (!process.env.DATABRICKS_HOST) {
  const sim = await createSimulator({
    datasets: values.dataset?.length ? values.dataset : [join(import.meta.dirname, '..', 'datasets', 'kpi-retail')],
    port: Number(values['sim-port']),
    questionsPerMinute: Number(values.qpm),
    genieLatencyMs: 300,
    ...(values['sim-data-dir'] ? { dataDir: values['sim-data-dir'] } : {}),
  });
  const caFile = join(mkdtempSync(join(tmpdir(), 'genie-sim-')), 'warehouse-ca.pem');
  writeFileSync(caFile, sim.caCert);
  Object.assign(env, {
    DATABRICKS_HOST: sim.url, DATABRICKS_TOKEN: sim.token,
    DATABRICKS_WAREHOUSE_PORT: String(sim.warehousePort), DATABRICKS_CA_CERT_FILE: caFile,
    HISTORY_WAREHOUSE_ID: process.env.HISTORY_WAREHOUSE_ID ?? sim.warehouseId,
  });
  closeSim = () => sim.close();
  logger.info({ url: sim.url, warehouse_id: sim.warehouseId, spaces: sim.spaces.map((s) => s.space_id) }, 'simulator started');
}

const echo = (name: string, line: string) => process.stdout.write(`${name.padEnd(10)} ${line}\n`);
// the history mirror runs when it knows the warehouse to write to
const mirror = env.HISTORY_WAREHOUSE_ID ?? process.env.HISTORY_WAREHOUSE_ID ?? process.env.DATABRICKS_WAREHOUSE_ID ? (['mirror'] as const) : [];
const kinds: ServiceKind[] = ['api', ...Array.from({ length: scorers }, () => 'scorer' as const), 'planner', 'applier', ...mirror];
const names = ['api', ...Array.from({ length: scorers }, (_, i) => `scorer-${i + 1}`), 'planner', 'applier', ...mirror];
const services: ServiceProcess[] = kinds.map((kind, i) => spawnService(kind, names[i], env, echo));
logger.info({ api: `http://127.0.0.1:${values.port}`, board: `http://127.0.0.1:${values.port}/admin/queues`, scorers }, 'stack starting');
if (!process.env.GE_KEY) process.stdout.write(`\nAPI admin key for this session:\n  export GE_KEY=${env.GENIE_ENHANCER_BOOTSTRAP_KEY}\n\n`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stack stopping');
  await Promise.all(services.map((s) => s.stop()));
  await closeSim();
  await stopRedis();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
// a crashed service is started again, with a growing pause, as compose's `restart: unless-stopped` would
const restarts = new Map<string, number>();
const watch = (s: ServiceProcess, kind: ServiceKind) =>
  s.child.once('exit', (code, signal) => {
    if (stopping) return;
    const count = (restarts.get(s.name) ?? 0) + 1;
    restarts.set(s.name, count);
    const delayMs = Math.min(30_000, 500 * 2 ** (count - 1));
    logger.error({ service: s.name, code, signal, restart_in_ms: delayMs }, 'service exited; restarting');
    setTimeout(() => {
      if (stopping) return;
      const next = spawnService(kind, s.name, env, echo);
      services[services.indexOf(s)] = next;
      watch(next, kind);
    }, delayMs);
  });
services.forEach((s, i) => watch(s, kinds[i]));
