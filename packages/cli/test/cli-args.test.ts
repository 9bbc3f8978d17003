import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/main.ts';

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const connectNever = async () => {
  throw new Error('must not connect when the input is invalid');
};

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
const goodFile = join(dir, 'good.json');
writeFileSync(goodFile, JSON.stringify({ questions: [{ id: 'a', question: 'How many rows?', expected_sql: 'SELECT COUNT(*) FROM main.x.y' }] }));
const base = ['run', '--space-id', 's1', '--warehouse-id', 'w1', '--host', 'https://example.cloud.databricks.com', '--token', 't'];

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const c = capture(env);
  const code = await runCli(argv, c.io, { connect: connectNever });
  return { code, stderr: c.stderr(), stdout: c.stdout() };
}

describe('genie-enhance run: input errors', () => {
  it('rejects a target score above 1 with one line naming the flag', async () => {
    const r = await run([...base, '--benchmarks', goodFile, '--target-score', '1.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --target-score: .*1/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects an unknown lever and an unknown scorer, naming the flag', async () => {
    const lever = await run([...base, '--benchmarks', goodFile, '--levers', 'metadata,magic']);
    expect(lever.code).toBe(2);
    expect(lever.stderr).toMatch(/^error: --levers: .*join_spec/);
    const scorer = await run([...base, '--benchmarks', goodFile, '--scorer', 'llm']);
    expect(scorer.code).toBe(2);
    expect(scorer.stderr).toMatch(/^error: --scorer: .*compare/);
  });

  it('rejects a non-numeric max loops', async () => {
    const r = await run([...base, '--benchmarks', goodFile, '--max-loops', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --max-loops: expected a number, got "many"\n');
  });

  it('requires a space id, from the flag or GENIE_SPACE_ID', async () => {
    const argv = ['run', '--warehouse-id', 'w1', '--benchmarks', goodFile];
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --space-id (or GENIE_SPACE_ID): space_id is required\n');
    const withEnv = await run(argv, { GENIE_SPACE_ID: 's1', DATABRICKS_HOST: 'https://h', DATABRICKS_TOKEN: 't' });
    expect(withEnv.stderr).toMatch(/must not connect/);
    expect(withEnv.code).toBe(3);
  });

  it('requires a benchmark source', async () => {
    const r = await run(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --benchmarks: give a benchmark file/);
  });

  it('names the file and the JSON path of a malformed benchmark field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ questions: [{ id: 'a', question: 'q', expected_sql: 'SELECT 1' }, { id: 'b', question: 'q2', expected_sql: '' }] }));
    const r = await run([...base, '--benchmarks', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${bad}: questions[1].expected_sql: expected_sql must not be empty\n`);
  });

  it('exits 2 naming the question when a benchmark file holds SQL that is not read-only', async () => {
    const bad = join(dir, 'unsafe.json');
    writeFileSync(bad, JSON.stringify({ questions: [{ id: 'a', question: 'q', expected_sql: 'SELECT 1' }, { id: 'drop-q', question: 'q2', expected_sql: 'SELECT 1; DROP TABLE x' }] }));
    const r = await run([...base, '--benchmarks', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*unsafe\.json: questions\[1\]\.expected_sql: question "drop-q": expected_sql must be one read-only query/);
  });

  it('reports a benchmark file that is not JSON in one line', async () => {
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{"questions": [');
    const r = await run([...base, '--benchmarks', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await run([...base, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
  });
});
