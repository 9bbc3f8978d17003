import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { BenchmarkFile, createDriverWarehouseClient, type InlineRunResult, type SqlWarehouse } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');

describe('genie-enhance run writes its history through the same writer (real simulator)', () => {
  let sim: Simulator;
  let dir: string;
  let warehouse: SqlWarehouse;
  let file: string;
  const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 4);

  const cli = async (argv: string[], env: Record<string, string> = {}) => {
    let out = '';
    let err = '';
    let summary: InlineRunResult | undefined;
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: { GENIE_ENHANCER_STATE_DIR: join(dir, 'state'), ...env } };
    const code = await runCli(argv, io, { caCertPem: sim.caCert, onSummary: (s) => (summary = s) });
    return { code, out, err, summary };
  };
  const connection = () => ['--host', sim.url, '--token', sim.token, '--warehouse-id', sim.warehouseId, '--warehouse-port', String(sim.warehousePort)];
  const run = (...extra: string[]) => cli(['run', '--space-id', sim.spaces[0].space_id, '--benchmarks', file, ...connection(), '--max-loops', '1', '--holdout', '0', '--in-place', '--json', ...extra]);
  const rows = async (table: string, runId: string) =>
    Number((await warehouse.query(`SELECT count(*) FROM ops.run_history.${table} WHERE run_id = :run_id`, { params: { run_id: runId } })).rows[0][0]);

  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 10 });
    dir = mkdtempSync(join(tmpdir(), 'history-cli-'));
    file = join(dir, 'bench.json');
    writeFileSync(file, JSON.stringify({ questions }));
    warehouse = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
  });
  afterAll(async () => {
    await warehouse.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every pass and answer to the catalog.schema the flags name, and --no-history writes nothing', async () => {
    const written = await run('--catalog', 'ops', '--schema', 'run_history');
    expect(written.err).not.toMatch(/warning: the run's history/);
    const runId = written.summary!.run_id;
    expect(await rows('runs', runId)).toBe(1);
    expect(await rows('passes', runId)).toBe(written.summary!.scores.length);
    expect(await rows('question_results', runId)).toBe(questions.length * written.summary!.scores.length);
    const [[status, startedBy, source]] = (await warehouse.query('SELECT status, started_by, benchmark_source FROM ops.run_history.runs WHERE run_id = :r', { params: { r: runId } })).rows;
    expect(status).toBe(written.summary!.status);
    expect(String(startedBy)).toMatch(/^cli/);
    expect(source).toBe('file:bench.json');

    const skipped = await run('--catalog', 'ops', '--schema', 'run_history', '--no-history');
    expect(await rows('runs', skipped.summary!.run_id)).toBe(0);

    const listed = await cli(['history', ...connection(), '--catalog', 'ops', '--schema', 'run_history']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(runId);
    expect(listed.out).not.toContain(skipped.summary!.run_id);
  });

  it('a later decision on a reviewed run (discard) lands in the same history row', async () => {
    writeFileSync(join(dir, 'all.json'), JSON.stringify({ questions: BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions }));
    const staged = await cli(['run', '--space-id', sim.spaces[0].space_id, '--benchmarks', join(dir, 'all.json'), ...connection(), '--max-loops', '1', '--json']);
    const runId = staged.summary!.run_id;
    expect(staged.summary!.status).toBe('awaiting_review');
    const status = async () => (await warehouse.query('SELECT status, started_by FROM main.genie_enhancement.runs WHERE run_id = :r', { params: { r: runId } })).rows;
    expect((await status())[0][0]).toBe('awaiting_review');
    const discarded = await cli(['discard', runId, '--host', sim.url, '--token', sim.token, '--warehouse-port', String(sim.warehousePort)]);
    expect(discarded.code).toBe(0);
    const [[after, startedBy]] = await status();
    expect(after).toBe('discarded');
    expect(String(startedBy)).toMatch(/^cli/);
  });

  it('names the flag of a bad schema name', async () => {
    const bad = await cli(['history', ...connection(), '--schema', 'x; DROP TABLE y']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--schema: /);
  });
});
