import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { listening, stopChild } from './helpers/sim-process.ts';
import {
  createCassetteRecorder, createChatModelClient, createDriverWarehouseClient, createGenieConversationsClient, createGenieSpacesClient, createRestClient,
  createSqlWarehouseClient, recordGenie, recordModel, recordSpaces, recordWarehouse, SqlExecutionError, type CassetteRecorder, type SqlWarehouse,
} from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const dataset = join(root, 'datasets', 'kpi-retail');
const STATEMENTS = [
  'SELECT product_id, prod_nm, unit_cost, list_price FROM main.retail.products ORDER BY product_id LIMIT 5',
  "SELECT open_dt, COUNT(*) AS n, AVG(store_id) AS avg_id, CAST(NULL AS STRING) AS nothing FROM main.retail.stores GROUP BY open_dt ORDER BY open_dt",
  'SELECT * FROM main.retail.no_such_table',
];
const QUESTIONS = ['How many customers are in each tier?', 'How many stores opened in 2021?'];

const driver = (sim: Simulator) => createDriverWarehouseClient({ hostname: sim.host, port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
const rest = (sim: Simulator) => createRestClient({ host: sim.url, token: sim.token });
const outcome = (warehouse: SqlWarehouse, sql: string) => warehouse.query(sql).then((r) => ({ result: r }), (e: unknown) => ({ error: e instanceof SqlExecutionError ? [e.name, e.message, e.sqlState] : String(e) }));
const genie = (sim: Simulator) => createGenieConversationsClient(rest(sim), { pollIntervalMs: { initial: 5, max: 20 } });

describe('every kind of exchange comes back from a replay exactly as recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cassettes-exchanges-'));
  let recording: Simulator;
  let replaying: Simulator;
  let rec: CassetteRecorder;
  const recorded: Record<string, unknown> = {};

  beforeAll(async () => {
    recording = await createSimulator({ datasets: [dataset], genieLatencyMs: 5, genieNoise: { probability: 0.5, seed: 3 } });
    rec = createCassetteRecorder(dir, { hosts: [recording.url], secrets: [recording.token] });
    const viaDriver = recordWarehouse(driver(recording), recording.warehouseId, rec);
    const viaRest = recordWarehouse(createSqlWarehouseClient({ rest: rest(recording), warehouseId: recording.warehouseId }), recording.warehouseId, rec);
    for (const sql of STATEMENTS) recorded[`driver ${sql}`] = await outcome(viaDriver, sql);
    for (const sql of STATEMENTS) recorded[`rest ${sql}`] = await outcome(viaRest, sql);
    await viaDriver.close();
    const space = recording.spaces[0];
    // the recorder learns the space's configuration from a read, as a run's first step does
    await recordSpaces(createGenieSpacesClient(rest(recording)), rec).get(space.space_id);
    const asker = recordGenie(genie(recording), rec);
    for (const q of QUESTIONS) for (const round of [0, 1, 2]) recorded[`genie ${q} ${round}`] = (await asker.ask(space.space_id, q, { timeoutMs: 10_000 })).sql;
    const model = recordModel(createChatModelClient({ host: recording.url, token: recording.token, endpoint: 'planner' }), 'planner', rec);
    recorded.model = await model.complete({ system: 'You plan fixes.', user: 'No failures.' });
    replaying = await createSimulator({ datasets: [], genieLatencyMs: 5, replay: dir });
  });
  afterAll(async () => {
    await recording?.close();
    await replaying?.close();
  });

  it('the warehouse: results (decimals, dates, nulls, big integers) and SQL errors, through the driver and the REST API', async () => {
    const viaDriver = driver(replaying);
    const viaRest = createSqlWarehouseClient({ rest: rest(replaying), warehouseId: replaying.warehouseId });
    for (const sql of STATEMENTS) expect(await outcome(viaDriver, sql), sql).toEqual(recorded[`driver ${sql}`]);
    for (const sql of STATEMENTS) expect(await outcome(viaRest, sql), sql).toEqual(recorded[`rest ${sql}`]);
    await viaDriver.close();
    // a statement nobody recorded runs on DuckDB, which has no table here
    await expect(createSqlWarehouseClient({ rest: rest(replaying), warehouseId: replaying.warehouseId }).query('SELECT COUNT(*) FROM main.retail.customers')).rejects.toThrow(SqlExecutionError);
  });

  it('Genie: each asking gets the answer recorded for that asking; an unrecorded question is simulated', async () => {
    // the seeded noise made the askings of one question differ, so the order of the answers is what is tested
    expect(QUESTIONS.some((q) => new Set([0, 1, 2].map((round) => recorded[`genie ${q} ${round}`])).size > 1)).toBe(true);
    const space = replaying.getSpace(recording.spaces[0].space_id)!;
    const g = genie(replaying);
    for (const q of QUESTIONS) for (const round of [0, 1, 2]) expect((await g.ask(space.space_id, q, { timeoutMs: 10_000 })).sql, `${q} #${round}`).toBe(recorded[`genie ${q} ${round}`]);
    const before = replaying.replayStats()!.genie;
    await g.ask(space.space_id, 'How many products are there?', { timeoutMs: 10_000 });
    expect(replaying.replayStats()!.genie).toEqual({ hits: before.hits, misses: before.misses + 1 });
  });

  it('Genie on another configuration of the space is not the recorded answer', async () => {
    const spaces = createGenieSpacesClient(rest(replaying));
    const space = await spaces.get(recording.spaces[0].space_id);
    const config = JSON.parse(space.serialized_space);
    config.instructions.text_instructions = [{ id: 'f'.repeat(32), content: ['Answer briefly.'] }];
    await spaces.update(space.space_id, { serialized_space: JSON.stringify(config) });
    const before = replaying.replayStats()!.genie;
    await genie(replaying).ask(space.space_id, QUESTIONS[0], { timeoutMs: 10_000 });
    expect(replaying.replayStats()!.genie.misses).toBe(before.misses + 1);
  });

  it('the model: the recorded completion for the same messages', async () => {
    const model = createChatModelClient({ host: replaying.url, token: replaying.token, endpoint: 'planner' });
    expect(await model.complete({ system: 'You plan fixes.', user: 'No failures.' })).toEqual(recorded.model);
    expect((await model.complete({ system: 'You plan fixes.', user: 'Other failures.' })).model).toMatch(/-simulated$/);
  });

  describe('pnpm sim -- --replay DIR', () => {
    let child: ChildProcess | undefined;
    afterAll(() => stopChild(child));
    const main = join(root, 'packages/databricks-sim/src/main.ts');

    it('serves the recorded spaces and answers without any dataset', async () => {
      child = spawn(process.execPath, ['--import', 'tsx', main, '--replay', dir, '--port', '0', '--warehouse-port', '0', '--print-token'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      const started = await listening(child);
      expect(started.spaces.map((s) => s.space_id)).toEqual([recording.spaces[0].space_id]);
      const answer = await createGenieConversationsClient(createRestClient({ host: started.url, token: started.token }), { pollIntervalMs: { initial: 5, max: 50 } }).ask(recording.spaces[0].space_id, QUESTIONS[1], { timeoutMs: 20_000 });
      expect(answer.sql).toBe(recorded[`genie ${QUESTIONS[1]} 0`]);
    });

    it('refuses a directory that is not there, or a damaged cassette, with exit code 2 naming it', async () => {
      for (const [replayDir, message] of [[join(dir, 'missing'), /no cassette directory/], [(() => {
        const bad = mkdtempSync(join(tmpdir(), 'cassettes-bad-'));
        writeFileSync(join(bad, 'model.jsonl'), 'not json\n');
        return bad;
      })(), /model\.jsonl:1/]] as const) {
        const refused = spawn(process.execPath, ['--import', 'tsx', main, '--replay', replayDir, '--port', '0', '--warehouse-port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        refused.stderr!.on('data', (chunk) => (stderr += chunk));
        const [code] = await once(refused, 'exit');
        expect(code, stderr).toBe(2);
        expect(stderr).toMatch(message);
      }
    });
  });

  it('the cassettes hold neither the token nor the address of the workspace they were recorded on', () => {
    const all = ['genie.jsonl', 'spaces.jsonl', 'warehouse.jsonl', 'model.jsonl'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(all).not.toContain(recording.token);
    expect(all).not.toContain(recording.url);
  });
});
