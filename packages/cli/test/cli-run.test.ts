import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatModel, GenieConversations, GenieSpaces, InlineRunResult, SqlWarehouse } from '@genie-enhancer/shared';
import { runCli, type CliIo } from '../src/main.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'genie-cli-runs-'));

const hex = (n: number) => n.toString(16).padStart(32, '0');
const questions = [
  { id: 'a', question: 'How many rows are in the first table?', expected_sql: 'SELECT 1 AS n' },
  { id: 'b', question: 'How many rows are in the second table?', expected_sql: 'SELECT 2 AS n' },
];

/** Fake workspace: Genie gets question b right once a rule mentioning `rule-b` is in the space. */
function fakeConnection(options: { fixable: boolean }) {
  let serialized = JSON.stringify({
    version: 2,
    data_sources: { tables: [{ identifier: 'main.s.t' }] },
    benchmarks: { questions: questions.map((q, i) => ({ id: hex(i + 1), question: [q.question], answer: [{ format: 'SQL', content: [q.expected_sql] }] })) },
  });
  let closed = false;
  const spaces: GenieSpaces = {
    // this test never makes a staging space
    list: async () => [],
    create: async () => {
      throw new Error('not used');
    },
    trash: async () => {},
    get: async (id) => ({ space_id: id, serialized_space: serialized }),
    update: async (id, patch) => ((serialized = patch.serialized_space), { space_id: id, serialized_space: serialized }),
  };
  const genie: GenieConversations = {
    ask: async (_s, question) => {
      const q = questions.find((x) => x.question === question)!;
      const right = q.id === 'a' || (options.fixable && serialized.includes('rule-b'));
      return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED', sql: right ? q.expected_sql : 'SELECT 0 AS n' };
    },
  };
  const warehouse: SqlWarehouse = {
    query: async (sql) => {
      const n = /SELECT (\d+) AS n/.exec(sql);
      if (!n) return { columns: [{ name: 'col_name', type: 'STRING' }, { name: 'data_type', type: 'STRING' }], rows: [] };
      return { columns: [{ name: 'n', type: 'INT' }], rows: [[Number(n[1])]] };
    },
    close: async () => {},
  };
  const model: ChatModel = {
    complete: async () => ({ content: JSON.stringify({ fixes: [{ kind: 'text_instruction', content: 'rule-b: count rows of the second table.', rationale: 'r' }] }), model: 'fake' }),
  };
  return { connect: async () => ({ genie, spaces, warehouse, model, close: async () => void (closed = true) }), closed: () => closed };
}

function capture(): { io: CliIo; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s), isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: stateDir } }, out: () => out.join(''), err: () => err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-run-'));
const file = join(dir, 'bench.json');
writeFileSync(file, JSON.stringify({ questions }));
const base = ['run', '--space-id', 's1', '--warehouse-id', 'w1', '--host', 'https://h.example.com', '--token', 't', '--no-batch', '--in-place'];

describe('genie-enhance run', () => {
  it('exits 0 when the target is reached, with a line per stage and the summary table', async () => {
    const c = capture();
    const fake = fakeConnection({ fixable: true });
    const code = await runCli([...base, '--benchmarks', file], c.io, { connect: fake.connect });
    expect(code).toBe(0);
    expect(c.err()).toContain('loop 0 score: train 1/2 passed (50.0%)\n');
    expect(c.err()).toContain('loop 1 apply: 1 applied, 0 skipped\n');
    expect(c.out()).toMatch(/target reached/);
    expect(c.out()).toMatch(/text rules/);
    expect(c.out()).toMatch(/50\.0% -> 100\.0%/);
    expect(fake.closed()).toBe(true);
  });

  it('exits 1 when the target is not reached, and --json prints the summary', async () => {
    const c = capture();
    let seen: InlineRunResult | undefined;
    const code = await runCli([...base, '--space-benchmarks', '--json', '--max-loops', '1'], c.io, { connect: fakeConnection({ fixable: false }).connect, onSummary: (s) => (seen = s) });
    expect(code).toBe(1);
    const summary = JSON.parse(c.out()) as InlineRunResult;
    expect(summary.loops.map((l) => l.decision)).toEqual(['next_loop', 'max_loops']);
    expect(summary.final_score).toBe(0.5);
    expect(seen?.run_id).toBe(summary.run_id);
  });
});

describe('genie-enhance run --record', () => {
  it('writes the run\'s exchanges and settings to the directory, the host scrubbed', async () => {
    const c = capture();
    const recordDir = join(mkdtempSync(join(tmpdir(), 'cli-record-')), 'cassettes');
    const code = await runCli([...base, '--benchmarks', file, '--record', recordDir], c.io, { connect: fakeConnection({ fixable: true }).connect });
    expect(code).toBe(0);
    const lines = (name: string) => readFileSync(join(recordDir, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // two passes of two questions, one plan, the space read and written
    expect(lines('genie.jsonl').map((l) => l.question)).toEqual(expect.arrayContaining(questions.map((q) => q.question)));
    expect(lines('genie.jsonl')).toHaveLength(4);
    expect(lines('model.jsonl')).toHaveLength(1);
    expect(lines('spaces.jsonl').map((l) => l.op)).toContain('update');
    const run = JSON.parse(readFileSync(join(recordDir, 'run.json'), 'utf8'));
    expect(run.config.split_seed).toMatch(/^[0-9a-f-]{36}$/);
    expect(readdirSync(recordDir).map((f) => readFileSync(join(recordDir, f), 'utf8')).join('')).not.toContain('h.example.com');
  });

  it('refuses a directory it cannot write with exit code 2, before connecting', async () => {
    const c = capture();
    let connected = false;
    const code = await runCli([...base, '--benchmarks', file, '--record', join(file, 'under-a-file')], c.io, { connect: async () => ((connected = true), fakeConnection({ fixable: true }).connect()) });
    expect(code).toBe(2);
    expect(c.err()).toMatch(/--record: cannot write to/);
    expect(connected).toBe(false);
  });
});
