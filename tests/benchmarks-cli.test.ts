import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { parseSerializedSpace } from '@genie-enhancer/shared';

// `genie-enhance benchmarks export|import|check` over HTTP against the simulator, credentials from the environment.
describe('genie-enhance benchmarks', () => {
  let sim: Simulator;
  let dir: string;
  let spaceId: string;
  let caFile: string;
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(import.meta.dirname, '..', 'datasets', 'kpi-retail')], genieLatencyMs: 10 });
    spaceId = sim.spaces[0].space_id;
    dir = await mkdtemp(join(tmpdir(), 'ge-bench-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, sim.caCert);
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATABRICKS_HOST: sim.url, DATABRICKS_TOKEN: sim.token, DATABRICKS_CONFIG_FILE: join(dir, 'none') };
    const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env };
    const code = await runCli(argv, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }
  const spaceBenchmarks = () => parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space).benchmarks?.questions ?? [];

  it('export then import: the space keeps every question it had, plus the new ones, and a repeat adds nothing', async () => {
    const before = structuredClone(spaceBenchmarks());
    const exported = join(dir, 'exported.json');
    const ex = await cli(['benchmarks', 'export', '--space-id', spaceId, '-o', exported]);
    expect(ex).toMatchObject({ code: 0, stderr: `exported 30 benchmark questions of space ${spaceId} to ${exported}\n` });
    const file = JSON.parse(await readFile(exported, 'utf8'));
    expect(file.questions).toEqual(before);

    // the exported file, with one question reworded only in case and spacing and two new ones, in our format
    const extra = join(dir, 'extra.json');
    await writeFile(extra, JSON.stringify({
      questions: [
        { id: 'same', question: `  ${before[0].question.join('').toUpperCase()}  `, expected_sql: 'SELECT 1' },
        { id: 'new-1', question: 'How many stores are in the East region?', expected_sql: "SELECT COUNT(*) FROM main.retail.stores WHERE rgn = 'East'" },
        { id: 'new-2', question: 'Which store formats exist?', expected_sql: 'SELECT DISTINCT fmt_cd\nFROM main.retail.stores' },
      ],
    }));
    const im = await cli(['benchmarks', 'import', extra, '--space-id', spaceId]);
    expect(im).toMatchObject({ code: 0, stderr: `imported 2 new benchmark questions into space ${spaceId} (1 already there, 32 in all)\n` });
    const after = spaceBenchmarks();
    expect(after.filter((q) => before.some((b) => b.id === q.id))).toEqual(before);
    const added = after.filter((q) => !before.some((b) => b.id === q.id));
    const shown = added.map((q) => ({ question: q.question, answer: q.answer })).sort((a, b) => a.question[0].localeCompare(b.question[0]));
    expect(shown).toEqual([
      { question: ['How many stores are in the East region?'], answer: [{ format: 'SQL', content: ["SELECT COUNT(*) FROM main.retail.stores WHERE rgn = 'East'"] }] },
      { question: ['Which store formats exist?'], answer: [{ format: 'SQL', content: ['SELECT DISTINCT fmt_cd\n', 'FROM main.retail.stores'] }] },
    ]);
    expect(added.every((q) => /^[0-9a-f]{32}$/.test(q.id))).toBe(true);

    const again = await cli(['benchmarks', 'import', exported, '--space-id', spaceId]);
    expect(again).toMatchObject({ code: 0, stderr: `imported 0 new benchmark questions into space ${spaceId} (30 already there, 32 in all)\n` });
    expect(spaceBenchmarks()).toEqual(after);
  });

  it('import refuses, exit 2, a file that would take the space past its limit of 500 questions', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ questions: Array.from({ length: 480 }, (_, i) => ({ id: `q${i}`, question: `Store number ${i}?`, expected_sql: `SELECT ${i}` })) }));
    const before = sim.getSpace(spaceId)!.serialized_space;
    const r = await cli(['benchmarks', 'import', big, '--space-id', spaceId]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.json: the space would hold 51\d benchmark questions .*the limit is 500/);
    expect(sim.getSpace(spaceId)!.serialized_space).toBe(before);
  });

  it('check flags unsafe, failing and empty SQL, repeated questions and ids, and identical results, each with its reason', async () => {
    const file = join(dir, 'check.json');
    await writeFile(file, `\uFEFF${JSON.stringify({
      questions: [
        { id: 'ok-stores', question: 'How many stores do we have?', expected_sql: 'SELECT COUNT(*) AS n FROM main.retail.stores' },
        { id: 'ok-regions', question: 'Stores per region', expected_sql: 'SELECT rgn, COUNT(*) FROM main.retail.stores GROUP BY rgn' },
        { id: 'unsafe', question: 'Drop it', expected_sql: 'DELETE FROM main.retail.stores' },
        { id: 'fails', question: 'From a missing table', expected_sql: 'SELECT * FROM main.retail.nope' },
        { id: 'empty', question: 'Stores on the moon', expected_sql: "SELECT * FROM main.retail.stores WHERE rgn = 'Moon'" },
        { id: 'dup-text', question: 'how many stores do we  have', expected_sql: 'SELECT MIN(open_dt) FROM main.retail.stores' },
        { id: 'ok-regions', question: 'Number of regions', expected_sql: 'SELECT COUNT(DISTINCT rgn) FROM main.retail.stores' },
        { id: 'same-result', question: 'Count of shops', expected_sql: 'SELECT COUNT(store_id) AS shops FROM main.retail.stores' },
      ],
    })}`);
    const r = await cli(['benchmarks', 'check', file, '--warehouse-id', sim.warehouseId, '--warehouse-port', String(sim.warehousePort), '--ca-cert', caFile, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { good: string[]; bad: { question_id: string; reasons: string[] }[] };
    expect(report.good).toEqual(['ok-stores', 'ok-regions']);
    const reasons = Object.fromEntries(report.bad.map((b) => [b.question_id, b.reasons.join(' | ')]));
    expect(Object.keys(reasons)).toEqual(['unsafe', 'fails', 'empty', 'dup-text', 'ok-regions', 'same-result']);
    expect(reasons.unsafe).toMatch(/^expected SQL is not one read-only query \(not run\)/);
    expect(reasons.fails).toMatch(/^expected SQL fails: .*nope/i);
    expect(reasons.empty).toBe('expected SQL returns no rows');
    expect(reasons['dup-text']).toBe('duplicate question: same text as "ok-stores"');
    expect(reasons['ok-regions']).toBe('duplicate id: question 2 has the id "ok-regions" too');
    expect(reasons['same-result']).toBe('same expected result as "ok-stores"');
  });

  it('check --space-id runs the space\'s own questions on the space\'s warehouse and prints one line per bad question', async () => {
    const r = await cli(['benchmarks', 'check', '--space-id', spaceId, '--warehouse-port', String(sim.warehousePort), '--ca-cert', caFile]);
    expect(r.stdout).toMatch(/^\d+ good, \d+ bad\n$/m);
    const [, good, bad] = /(\d+) good, (\d+) bad/.exec(r.stdout)!.map(Number);
    expect(good + bad).toBe(spaceBenchmarks().length);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('bad  '))).toHaveLength(bad);
    expect(r.code).toBe(bad === 0 ? 0 : 1);
  });

  it('bad input exits 2 naming the flag', async () => {
    expect(await cli(['benchmarks', 'export'])).toMatchObject({ code: 2, stderr: 'error: --space-id: required (or GENIE_SPACE_ID)\n' });
    expect(await cli(['benchmarks', 'check', join(dir, 'exported.json'), '--space-id', spaceId])).toMatchObject({ code: 2, stderr: 'error: benchmarks check: give either a FILE or --space-id, not both\n' });
    expect(await cli(['benchmarks', 'export', '--space-id', spaceId, '--format', 'csv'])).toMatchObject({ code: 2, stderr: 'error: --format: expected "space" or "ours", got "csv"\n' });
  });
});
