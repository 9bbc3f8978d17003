import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '@genie-enhancer/databricks-sim';

import { spawnService, type ServiceKind, type ServiceProcess } from '../../scripts/service-processes.ts';
import { freePort } from '../../scripts/stack-redis.ts';
import type { TestRedis } from './test-redis.ts';
import { isActive } from '@genie-enhancer/shared';

export interface ServiceStack {
  api: string;
  /** an admin API key the stack's API accepts */
  apiKey: string;
  processes: ServiceProcess[];
  /** starts one more service process on the same Redis and workspace */
  add(kind: ServiceKind, name: string, env?: Record<string, string>): Promise<ServiceProcess>;
  /** with `supervise`: each restart of a process that exited, as `pnpm stack` restarts crashed children */
  restarts: { name: string; exitedAt: number; readyAt?: number }[];
  /** the live process of that name (a supervised one is replaced on restart) */
  process(name: string): ServiceProcess;
  stop(): Promise<void>;
}

/** The services as separate processes against the test's Redis prefix and an in-process simulator. */
export async function startServiceStack(
  sim: Simulator,
  redis: TestRedis,
  options: { scorers: number; env?: Record<string, string>; /** the REST endpoint when not the simulator's own (a proxy) */ host?: string; supervise?: boolean },
): Promise<ServiceStack> {
  const caFile = join(mkdtempSync(join(tmpdir(), 'genie-test-')), 'ca.pem');
  writeFileSync(caFile, sim.caCert);
  const port = await freePort();
  const apiKey = randomBytes(24).toString('hex');
  const env = {
    GENIE_ENHANCER_BOOTSTRAP_KEY: apiKey,
    REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1',
    DATABRICKS_HOST: options.host ?? sim.url, DATABRICKS_TOKEN: sim.token, DATABRICKS_WAREHOUSE_PORT: String(sim.warehousePort), DATABRICKS_CA_CERT_FILE: caFile,
    DATABRICKS_CONFIG_FILE: join(tmpdir(), 'no-databrickscfg'),
    ...options.env,
  };
  const processes: ServiceProcess[] = [];
  const restarts: ServiceStack['restarts'] = [];
  let stopping = false;
  const ready = (kind: ServiceKind, p: ServiceProcess) => p.waitForLine(kind === 'api' ? /Server listening/ : /worker ready/, 180_000);
  const supervise = (kind: ServiceKind, name: string, childEnv: Record<string, string>, p: ServiceProcess) =>
    p.child.once('exit', () => {
      if (stopping) return;
      const restart = { name, exitedAt: Date.now() } as ServiceStack['restarts'][number];
      restarts.push(restart);
      const next = spawnService(kind, name, childEnv);
      processes[processes.indexOf(p)] = next;
      supervise(kind, name, childEnv, next);
      void ready(kind, next).then(() => void (restart.readyAt = Date.now()), () => undefined);
    });
  const add = async (kind: ServiceKind, name: string, extra: Record<string, string> = {}) => {
    const childEnv = { ...env, ...extra };
    const p = spawnService(kind, name, childEnv);
    processes.push(p);
    if (options.supervise) supervise(kind, name, childEnv, p);
    await ready(kind, p);
    return p;
  };
  await Promise.all([
    add('api', 'api'),
    ...Array.from({ length: options.scorers }, (_, i) => add('scorer', `scorer-${i + 1}`)),
    add('planner', 'planner'),
    add('applier', 'applier'),
  ]);
  const api = `http://127.0.0.1:${port}`;
  apiKeys.set(api, apiKey);
  return {
    api,
    apiKey,
    processes,
    add,
    restarts,
    process: (name) => processes.find((p) => p.name === name)!,
    stop: async () => {
      stopping = true;
      await Promise.all(processes.map((p) => p.stop(5_000)));
    },
  };
}

const apiKeys = new Map<string, string>();

/** fetch against a stack's API with its admin key */
export function apiFetch(api: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${api}${path}`, { ...init, headers: { authorization: `Bearer ${apiKeys.get(api)}`, ...init.headers } });
}

/** Polls GET /runs/:id until the run leaves queued/running. */
export async function waitForRun(api: string, runId: string, timeoutMs: number): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await apiFetch(api, `/runs/${runId}`);
    // a 503 (Redis restarting) is not an answer yet: keep polling; any other error is
    if (!response.ok && response.status !== 503) throw new Error(`GET /runs/${runId} → ${response.status}: ${await response.text()}`);
    const run = response.ok ? await response.json() : { status: 'unavailable (503)' };
    if (response.ok && !isActive(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function postRun(api: string, body: unknown): Promise<string> {
  const response = await apiFetch(api, '/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (response.status !== 202) throw new Error(`POST /runs → ${response.status}: ${JSON.stringify(json)}`);
  return json.run_id;
}
