import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { HistoryOutbox, startHistoryMirror, type HistoryMirror } from '@genie-enhancer/queue-runtime';
import {
  BenchmarkFile, createDriverWarehouseClient, createHistoryReader, createHistoryWriter, fixId, historyTarget, HISTORY_TABLE_NAMES, RunConfig, silentLogger,
  type HistoryEvent, type HistoryWriter, type SqlWarehouse,
} from '@genie-enhancer/shared';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { buildApi } from '../services/api/src/app.ts';
import { ApiKeyStore } from '../services/api/src/auth/api-keys.ts';
import { startInProcessRuntime, type InProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { until } from './helpers/until.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;
const target = historyTarget();


describe('run history mirrored to Delta tables on the simulator', () => {
  let dataDir: string;
  let sim: Simulator;
  let t: TestRedis;
  let runtime: InProcessRuntime;
  let mirror: HistoryMirror;
  let mirrorRedis: Redis;
  let warehouse: SqlWarehouse;
  let app: Awaited<ReturnType<typeof buildApi>>;
  let key: string;
  // the warehouse refuses every write to the history schema while the run runs: an outage the mirror must ride out
  let historyDown = true;
  let refused = 0;
  const seen: HistoryEvent[] = [];
  const runId = randomUUID();
  const call = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const sql = async (text: string, params: Record<string, string> = {}) => (await warehouse.query(text, { params })).rows;
  const count = async (table: string) => Number((await sql(`SELECT count(*) FROM main.genie_enhancement.${table} WHERE run_id = :id`, { id: runId }))[0][0]);
  const dump = async () => Object.fromEntries(await Promise.all(HISTORY_TABLE_NAMES.map(async (table) => [table, await sql(`SELECT * FROM main.genie_enhancement.${table} ORDER BY ALL`)] as const)));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'history-mirror-'));
    sim = await createSimulator({
      datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20, dataDir,
      warehouseFault: (statement) => /genie_enhancement/.test(statement) && historyDown && ++refused > 0,
    });
    t = await testRedis('history');
    runtime = await startInProcessRuntime(sim, t, { history: true });
    warehouse = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
    const writer = createHistoryWriter({ warehouse, target });
    const recording: HistoryWriter = { write: (events) => (seen.push(...events), writer.write(events)) };
    mirrorRedis = new Redis(t.url, { maxRetriesPerRequest: null });
    mirror = startHistoryMirror({ redis: mirrorRedis, prefix: t.prefix, writer: recording, logger: silentLogger, batchSize: 50, blockMs: 200, backoffMs: 50, maxBackoffMs: 300 });
    app = await buildApi({
      redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix,
      history: { target, outbox: { maxLength: 1_000_000 }, reader: async () => createHistoryReader({ warehouse, target }) },
    });
    ({ key } = await new ApiKeyStore(t.redis, t.prefix).create({ name: 'history-test', scopes: ['admin'] }));
  });
  afterAll(async () => {
    await mirror?.stop();
    await runtime?.close();
    await app?.close();
    await mirrorRedis?.quit();
    await warehouse?.close();
    await t?.cleanup();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the run during a history outage (only the backlog grows), then holds exactly one row per run, pass, answer, fix and snapshot, equal to the API', async () => {
    const config = RunConfig.parse({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, max_loops: 2, genie_concurrency: 4, question_timeout_s: 30, split_seed: 'history', repeats: 2 });
    await runtime.start(runId, config, questions);
    const state = await runtime.finished(runId);
    expect(['awaiting_review', 'completed']).toContain(state.status);
    const outbox = new HistoryOutbox(t.redis, t.prefix);
    expect(refused).toBeGreaterThan(0);
    expect(await outbox.backlog()).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().history_backlog).toBe(await outbox.backlog());
    expect(mirror.batches).toBe(0);
    // a run neither Redis nor the unreachable history knows: unavailable, not "no such run"
    const unknown = await call(`/runs/${randomUUID()}`);
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json().error).toBe('UNAVAILABLE');
    historyDown = false;
    await until(async () => (await outbox.backlog()) === 0);
    expect((await call('/history')).json()).toMatchObject({ enabled: true, backlog: 0, target: 'main.genie_enhancement' });

    const detail = (await call(`/runs/${runId}`)).json();
    const answers = (await call(`/runs/${runId}/questions`)).json();
    const fixes = (await call(`/runs/${runId}/fixes`)).json();
    const { backups, snapshots } = await runtime.store.snapshots(runId);

    expect(await count('runs')).toBe(1);
    expect(await count('passes')).toBe(detail.scores.length);
    const passRows = await sql('SELECT loop, train_score, holdout_score FROM main.genie_enhancement.passes WHERE run_id = :id ORDER BY loop', { id: runId });
    expect(passRows.map(([loop, score, holdout]) => ({ loop: Number(loop), score: Number(score), holdout: holdout === null ? null : Number(holdout) })))
      .toEqual(detail.scores.map((s: { loop: number; score: number; holdout: number | null }) => ({ loop: s.loop, score: s.score, holdout: s.holdout })));
    const answerCount = answers.loops.reduce((n: number, l: { results: unknown[] }) => n + l.results.length, 0);
    expect(answerCount).toBe(questions.length * 2 * detail.scores.length);
    expect(await count('question_results')).toBe(answerCount);
    const fixIds = new Set(fixes.loops.flatMap((l: { loop: number; proposed: unknown[]; rejected: { fix: unknown }[]; applied: unknown[]; skipped: { fix: unknown }[] }) =>
      [...l.proposed, ...l.rejected.map((r) => r.fix), ...l.applied, ...l.skipped.map((s) => s.fix)].map((f) => `${l.loop}:${fixId(f)}`)));
    expect(fixIds.size).toBeGreaterThan(0);
    expect(await count('fixes')).toBe(fixIds.size);
    expect(await count('space_snapshots')).toBe(Object.keys(backups).length + Object.keys(snapshots).length);
    for (const [table, keys] of [['question_results', 'loop, question_id, repeat'], ['fixes', 'loop, fix_id'], ['passes', 'loop'], ['space_snapshots', 'loop, kind']] as const) {
      const [[rows, distinct]] = await sql(`SELECT count(*), count(DISTINCT (${keys})) FROM main.genie_enhancement.${table} WHERE run_id = :id`, { id: runId });
      expect(Number(rows), table).toBe(Number(distinct));
    }
  });

  it('adds nothing when the whole outbox is replayed twice', async () => {
    expect(seen.length).toBeGreaterThan(0);
    const before = await dump();
    const writer = createHistoryWriter({ warehouse, target });
    await writer.write(seen);
    await writer.write([...seen].reverse());
    expect(await dump()).toEqual(before);
  });

  it('serves the run from Delta once Redis has forgotten it: the API and `genie-enhance history`', async () => {
    const views = await Promise.all([`/runs/${runId}`, `/runs/${runId}/questions`, `/runs/${runId}/fixes`].map(async (url) => (await call(url)).json()));
    const dashboardUrls = ['progress', 'passes', 'snapshots'].map((route) => `/runs/${runId}/${route}`);
    const dashboardViews = await Promise.all(dashboardUrls.map(async (url) => (await call(url)).json()));
    const listed = (await call('/runs')).json().runs.find((r: { run_id: string }) => r.run_id === runId);
    await runtime.close();
    // forget every key of the run (the API key stays, so the API can still be asked)
    for (const k of await t.redis.keys(`${t.prefix}:run*`)) await t.redis.del(k);
    expect(await runtime.store.get(runId)).toBeUndefined();

    const [detail, answers, fixes] = await Promise.all([`/runs/${runId}`, `/runs/${runId}/questions`, `/runs/${runId}/fixes`].map((url) => call(url)));
    expect(detail.statusCode).toBe(200);
    const { served_from, ...fromDelta } = detail.json();
    expect(served_from).toBe('history');
    expect(fromDelta).toEqual(views[0]);
    expect({ ...answers.json(), served_from: undefined }).toEqual({ ...views[1], served_from: undefined });
    expect({ ...fixes.json(), served_from: undefined }).toEqual({ ...views[2], served_from: undefined });
    // the dashboard's own routes fall back the same way, and answer exactly as they did from Redis
    expect(dashboardViews[1].passes.length).toBe(views[0].scores.length);
    expect(dashboardViews[2].snapshots.length).toBeGreaterThan(1);
    for (const [i, url] of dashboardUrls.entries()) {
      const response = await call(url);
      expect(response.statusCode, url).toBe(200);
      const { served_from: from, ...view } = response.json();
      expect(from, url).toBe('history');
      expect(view, url).toEqual(dashboardViews[i]);
    }
    expect((await call(`/runs/${randomUUID()}/passes`)).statusCode).toBe(404);
    const { served_from: _s, ...inList } = (await call('/runs')).json().runs.find((r: { run_id: string }) => r.run_id === runId);
    expect(inList).toEqual(listed);

    let out = '';
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {} };
    const code = await runCli(['history', '--host', sim.url, '--token', sim.token, '--warehouse-id', sim.warehouseId, '--warehouse-port', String(sim.warehousePort), '--space-id', sim.spaces[0].space_id, '--json'], io, { caCertPem: sim.caCert });
    expect(code).toBe(0);
    const history = JSON.parse(out);
    const run = history.runs.find((r: { run_id: string }) => r.run_id === runId);
    expect(run.final_score).toBe(views[0].final_score);
    expect(run.passes.map((p: { loop: number; train_score: number }) => [p.loop, p.train_score])).toEqual(views[0].scores.map((s: { loop: number; score: number }) => [s.loop, s.score]));
  });
});
