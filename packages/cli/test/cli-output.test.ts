import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatModel, GenieConversations, GenieSpaces, SqlWarehouse } from '@genie-enhancer/shared';
import { runCli, type CliIo } from '../src/main.ts';
import { clock, createProgressReporter } from '../src/progress-reporter.ts';
import { humanLine } from '../src/log-format.ts';

const ESC = '\u001b';
const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}`, question: `How many rows are in table ${i}?`, expected_sql: `SELECT ${i} AS n` }));

/** Genie answers the even questions right; the planner proposes nothing, so the run stops after the baseline. */
function connection(options: { failWith?: Error } = {}) {
  const spaces: GenieSpaces = {
    list: async () => [],
    create: async () => { throw new Error('not used'); },
    trash: async () => {},
    get: async (id) => ({ space_id: id, serialized_space: JSON.stringify({ version: 2, data_sources: { tables: [{ identifier: 'main.s.t' }] } }) }),
    update: async (id, patch) => ({ space_id: id, serialized_space: patch.serialized_space }),
  };
  const genie: GenieConversations = {
    ask: async (_s, question) => {
      if (options.failWith) throw options.failWith;
      const i = Number(/table (\d+)/.exec(question)![1]);
      return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED', sql: `SELECT ${i % 2 === 0 ? i : 99} AS n` };
    },
  };
  const warehouse: SqlWarehouse = {
    query: async (sql) => {
      const n = /SELECT (\d+) AS n/.exec(sql);
      return n ? { columns: [{ name: 'n', type: 'INT' }], rows: [[Number(n[1])]] } : { columns: [{ name: 'col_name', type: 'STRING' }, { name: 'data_type', type: 'STRING' }], rows: [] };
    },
    close: async () => {},
  };
  const model: ChatModel = { complete: async () => ({ content: JSON.stringify({ fixes: [] }), model: 'fake' }) };
  return async () => ({ genie, spaces, warehouse, model, close: async () => {} });
}

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s), isTTY: false }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: dir, ...env } };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-output-'));
const file = join(dir, 'bench.json');
writeFileSync(file, JSON.stringify({ questions }));
// in place: the fake workspace has no staging copies
const base = ['run', '--space-id', 's1', '--warehouse-id', 'w1', '--host', 'https://h.example.com', '--token', 't', '--benchmarks', file, '--holdout', '0', '--genie-concurrent', '1', '--in-place'];

describe('CLI output off a terminal', () => {
  it('progress lines per 10 %, no escape codes, a table within 80 columns, verdicts with --verbose; exit 1 below target', async () => {
    const c = capture();
    const code = await runCli([...base, '--verbose'], c.io, { connect: connection() });
    expect(code).toBe(1);
    const all = c.out() + c.err();
    expect(all).not.toContain(ESC);
    const progress = c.err().split('\n').filter((l) => /^loop 0 score: \d+\/20 \(\d+%\), elapsed \d+:\d\d, eta \d+:\d\d$/.test(l));
    expect(progress.map((l) => /(\d+)\/20/.exec(l)![1])).toEqual(['2', '4', '6', '8', '10', '12', '14', '16', '18']);
    const table = c.out().slice(0, c.out().indexOf('\nfixes:'));
    expect(Math.max(...table.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(table.split('\n')[0]).toHaveLength(80);
    expect(c.out()).toContain('pass 0: 10/20 passed\n');
    expect(c.out()).toMatch(/^ {2}pass {2}q0 {2}How many rows are in table 0\?$/m);
    expect(c.out()).toMatch(/^ {2}fail {2}q1 {2}\S/m);
  });

  it('exit codes: 0 target reached, 2 bad input, 3 a runtime failure', async () => {
    expect(await runCli([...base, '--target-score', '0.5'], capture().io, { connect: connection() })).toBe(0);
    const bad = capture();
    expect(await runCli([...base, '--max-loops', 'x'], bad.io, { connect: connection() })).toBe(2);
    expect(bad.err()).toBe('error: --max-loops: expected a number, got "x"\n');
    const down = capture();
    expect(await runCli(base, down.io, { connect: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:1'); } })).toBe(3);
    expect(down.err()).toBe('error: connect ECONNREFUSED 127.0.0.1:1\n');
    expect(await runCli(['--version'], capture().io)).toBe(0);
    expect(await runCli(['run', '--no-such-flag'], capture().io)).toBe(2);
  });

  it('a stage that makes no progress still prints a line every 30 s, with elapsed time and an estimate', () => {
    let t = 0;
    const c = capture();
    const reporter = createProgressReporter(c.io, { now: () => t });
    reporter.onEvent({ type: 'stage_start', loop: 1, stage: 'score', total: 100 });
    t = 5_000;
    reporter.onEvent({ type: 'stage_progress', loop: 1, stage: 'score', done: 1, total: 100 });
    t = 31_000;
    reporter.onEvent({ type: 'stage_progress', loop: 1, stage: 'score', done: 2, total: 100 });
    t = 32_000;
    reporter.onEvent({ type: 'stage_progress', loop: 1, stage: 'score', done: 3, total: 100 });
    reporter.stop();
    expect(c.err()).toBe('loop 1 score: 2/100 (2%), elapsed 0:31, eta 25:19\n');
    expect(clock(3_725_000)).toBe('1:02:05');
  });

  it('a bar with colour only on a terminal without NO_COLOR', () => {
    const c = capture({ NO_COLOR: '1' });
    c.io.stderr.isTTY = true;
    const reporter = createProgressReporter(c.io, { now: () => 0 });
    reporter.onEvent({ type: 'stage_start', loop: 0, stage: 'score', total: 10 });
    reporter.onEvent({ type: 'stage_progress', loop: 0, stage: 'score', done: 1, total: 10 });
    reporter.onEvent({ type: 'stage_end', loop: 0, stage: 'score', summary: 'done' });
    reporter.stop();
    expect(c.err()).toBe('loop 0 score: 1/10 (10%), elapsed 0:00, eta 0:00\nloop 0 score: done\n');
  });

  it('log lines for people: time, level, message, fields', () => {
    expect(humanLine(JSON.stringify({ level: 40, time: Date.UTC(2025, 0, 1, 12, 1, 2), msg: 'retrying Databricks call', pid: 1, attempt: 2, path: '/api' }))).toBe('12:01:02 warn  retrying Databricks call attempt=2 path=/api\n');
  });
});
