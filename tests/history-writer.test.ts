import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriverWarehouseClient, createRestClient, createSqlWarehouseClient, createHistoryReader, createHistoryWriter, historyTarget, startRun, type HistoryEvent, type QuestionResult, type RunConfig, type SqlWarehouse } from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

const dataset = join(import.meta.dirname, '..', 'datasets', 'kpi-retail');
const INJECTION = `it's "quoted"; a semicolon; '; DROP TABLE main.genie_enhancement.runs; -- and :not_a_param \\' done`;
const target = historyTarget('main', 'genie_enhancement');

function events(runId: string): HistoryEvent[] {
  const config = { space_id: 'space-1', warehouse_id: 'wh', llm_endpoint: 'planner', repeats: 1 } as unknown as RunConfig;
  const { state } = startRun(runId, config, ['q1', 'q2']);
  const result = (id: string, question: string): QuestionResult => ({
    question_id: id, question, verdict: 'fail', reason_code: 'WRONG_RESULT' as QuestionResult['reason_code'], reason: INJECTION, expected_sql: `SELECT '${INJECTION.replace(/'/g, "''")}'`, duration_ms: 12,
  });
  return [
    { type: 'run', run: { state, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', benchmark_source: 'inline', revision: 0, question_ids: ['q1', 'q2'], started_by: INJECTION } },
    { type: 'results', run_id: runId, pass: 0, split: 'train', results: [result('q1', INJECTION), result('q2', 'plain')] },
    { type: 'snapshot', run_id: runId, loop: 0, kind: 'before', space_id: 'space-1', serialized_space: JSON.stringify({ note: INJECTION }), taken_at: '2026-01-01T00:00:01.000Z' },
  ];
}

describe('history writer against the simulated warehouse (Thrift, named parameters)', () => {
  let dataDir: string;
  let sim: Simulator;
  let warehouse: SqlWarehouse;
  const open = async () => {
    sim = await createSimulator({ datasets: [dataset], dataDir });
    warehouse = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
  };
  const shut = async () => {
    await warehouse.close();
    await sim.close();
  };
  const count = async (table: string) => Number((await warehouse.query(`SELECT count(*) FROM main.genie_enhancement.${table}`)).rows[0][0]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'history-sim-'));
    await open();
  });
  afterAll(async () => {
    await shut();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores quotes, semicolons and a DROP TABLE verbatim, and a replay adds no row', async () => {
    const writer = createHistoryWriter({ warehouse, target });
    await writer.write(events('run-1'));
    await writer.write([...events('run-1'), ...events('run-1')]);
    expect(await count('runs')).toBe(1);
    expect(await count('question_results')).toBe(2);
    expect(await count('space_snapshots')).toBe(1);
    const row = await warehouse.query("SELECT question, reason, expected_sql FROM main.genie_enhancement.question_results WHERE question_id = 'q1'");
    expect(row.rows[0]).toEqual([INJECTION, INJECTION, `SELECT '${INJECTION.replace(/'/g, "''")}'`]);
    const reader = createHistoryReader({ warehouse, target });
    expect((await reader.run('run-1'))?.started_by).toBe(INJECTION);
    expect((await reader.listRuns({ spaceId: INJECTION })).length).toBe(0);
    expect((await reader.listRuns({ spaceId: 'space-1' })).map((r) => r.run_id)).toEqual(['run-1']);
  });

  it('an older revision of a run never replaces a newer one', async () => {
    const writer = createHistoryWriter({ warehouse, target });
    const [run] = events('run-2') as [Extract<HistoryEvent, { type: 'run' }>];
    const newer = { ...run, run: { ...run.run, revision: 3, state: { ...run.run.state, status: 'running' as const } } };
    await writer.write([newer]);
    await writer.write([run]);
    expect((await createHistoryReader({ warehouse, target }).run('run-2'))?.state.status).toBe('running');
  });

  it('writes the same rows through the Statement Execution API (REST parameters)', async () => {
    const rest = createSqlWarehouseClient({ rest: createRestClient({ host: sim.url, token: sim.token }), warehouseId: sim.warehouseId });
    await createHistoryWriter({ warehouse: rest, target }).write(events('run-rest'));
    const row = await rest.query('SELECT question, started_by FROM main.genie_enhancement.question_results q JOIN main.genie_enhancement.runs r USING (run_id) WHERE run_id = :id AND question_id = :q', { params: { id: 'run-rest', q: 'q1' } });
    expect(row.rows).toEqual([[INJECTION, INJECTION]]);
    expect(await count('question_results')).toBe(4);
  });

  it('runs no DDL once the tables are at the current version', async () => {
    const statements: string[] = [];
    const watched: SqlWarehouse = { query: (text, o) => (statements.push(text), warehouse.query(text, o)), close: async () => {} };
    await createHistoryWriter({ warehouse: watched, target }).write(events('run-3'));
    expect(statements.filter((text) => /^\s*(CREATE|ALTER)\b/i.test(text))).toEqual([]);
    expect(statements.filter((text) => /^\s*MERGE INTO\b/.test(text)).length).toBe(3);
  });

  it('keeps the tables in the data directory across a simulator restart', async () => {
    await shut();
    await open();
    expect(await count('runs')).toBe(4);
    const version = await warehouse.query('SELECT max(version) FROM main.genie_enhancement.schema_version');
    expect(Number(version.rows[0][0])).toBe(1);
  });
});
