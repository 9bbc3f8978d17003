import { describe, expect, it } from 'vitest';
import {
  parseSerializedSpace,
  RunConfig,
  type BenchmarkQuestion,
  type ChatModel,
  type ChatRequest,
  type GenieConversations,
  type GenieSpaces,
  type SqlWarehouse,
} from '../src/index.ts';
import { runInline, type RunProgress } from '../src/run/index.ts';
import { shopSpace } from './apply-fixtures.ts';

const questions: BenchmarkQuestion[] = [
  { id: 'q1', question: 'How many sales rows are there?', expected_sql: 'SELECT 10 AS n' },
  { id: 'q2', question: 'How many items are there?', expected_sql: 'SELECT 20 AS n' },
  { id: 'q3', question: 'Which item sells best?', expected_sql: 'SELECT 30 AS n' },
];

/** Ports around one in-memory space: Genie answers a question right once the space has a rule naming its id. */
function world(options: { fixable: string[]; alwaysRight: string[] }) {
  let serialized = JSON.stringify(shopSpace());
  const requests: ChatRequest[] = [];
  const patches: string[] = [];
  const spaces: GenieSpaces = {
    // this test never makes a staging space
    list: async () => [],
    create: async () => {
      throw new Error('not used');
    },
    trash: async () => {},
    get: async (id) => ({ space_id: id, etag: `e${patches.length}`, serialized_space: serialized }),
    update: async (id, patch) => {
      patches.push(patch.serialized_space);
      serialized = patch.serialized_space;
      return { space_id: id, serialized_space: serialized };
    },
  };
  const rules = () => (parseSerializedSpace(serialized).instructions?.text_instructions ?? []).map((t) => t.content.join('')).join(' ');
  const genie: GenieConversations = {
    ask: async (_space, question) => {
      const q = questions.find((x) => x.question === question)!;
      const right = options.alwaysRight.includes(q.id) || (options.fixable.includes(q.id) && rules().includes(`rule-${q.id}`));
      return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED', sql: right ? q.expected_sql : 'SELECT 0 AS n' };
    },
  };
  const warehouse: SqlWarehouse = {
    query: async (sql) => {
      if (sql.startsWith('DESCRIBE TABLE')) return { columns: [{ name: 'col_name', type: 'STRING' }, { name: 'data_type', type: 'STRING' }], rows: [['net_amt', 'decimal(10,2)'], ['', ''], ['# Partition Information', '']] };
      const n = /^SELECT (\d+)(?: AS n)?$/.exec(sql);
      if (!n) throw new Error(`unexpected SQL ${sql}`);
      return { columns: [{ name: 'n', type: 'INT' }], rows: [[Number(n[1])]] };
    },
    close: async () => {},
  };
  const model: ChatModel = {
    complete: async (request) => {
      requests.push(request);
      const failures = JSON.parse(/```json failures\n([\s\S]*?)\n```/.exec(request.user)![1]) as { question_id: string }[];
      const fixes = failures.map((f) => ({ kind: 'text_instruction', content: `rule-${f.question_id} applies (revision ${requests.length}).`, rationale: 'general rule' }));
      return { content: JSON.stringify({ fixes }), model: 'fake' };
    },
  };
  return { spaces, genie, warehouse, model, requests, patches };
}

const config = RunConfig.parse({ space_id: 's1', warehouse_id: 'w1', target_score: 0.9, max_loops: 3, batch: false, question_timeout_s: 5, in_place: true });

describe('runInline (the engine driven in memory)', () => {
  it('plans on failures, applies, re-scores, rolls back loops that do not help, and ends on the kept configuration', async () => {
    const w = world({ alwaysRight: ['q1'], fixable: ['q2'] });
    const events: RunProgress[] = [];
    const summary = await runInline(w, { config, questions, onProgress: (e) => events.push(e) });

    expect(summary.loops.map((l) => l.decision)).toEqual(['next_loop', 'next_loop', 'rolled_back', 'max_loops']);
    expect(summary.initial_score).toBeCloseTo(1 / 3);
    expect(summary.final_score).toBeCloseTo(2 / 3);
    expect(summary.target_reached).toBe(false);
    expect(summary.decision).toBe('max_loops');
    expect(summary.loops[1]).toMatchObject({ fixes_applied: 2, fixed: ['q2'], regressed: [], fixes_by_kind: { text_instruction: 2 } });
    expect(Object.keys(summary.backups)).toEqual(['1', '2', '3']);
    expect(summary.backups[1]).toBe(JSON.stringify(shopSpace()));
    // the loops that did not help were undone: the space holds loop 1's configuration again
    expect(w.patches.at(-1)).toBe(summary.backups[2]);
    // the second plan only sees the question still failing, and the planner prompt carries the described columns
    expect(w.requests).toHaveLength(3);
    expect(w.requests[1].user).toContain('"question_id": "q3"');
    expect(w.requests[1].user).not.toContain('"question_id": "q2"');
    expect(w.requests[0].user).toContain('"type": "decimal(10,2)"');
    const scoreProgress = events.filter((e) => e.type === 'stage_progress' && e.loop === 0);
    expect(scoreProgress.map((e) => (e.type === 'stage_progress' ? e.done : 0))).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'stage_end' && e.stage === 'score').map((e) => e.loop)).toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.type === 'stage_end' && e.stage === 'rollback').map((e) => e.loop)).toEqual([2, 3]);
  });

  it('reaches the target and stops', async () => {
    const w = world({ alwaysRight: ['q1'], fixable: ['q2', 'q3'] });
    const summary = await runInline(w, { config, questions });
    expect(summary.loops.map((l) => l.decision)).toEqual(['next_loop', 'target_reached']);
    expect(summary.target_reached).toBe(true);
    expect(summary.final_score).toBe(1);
  });

  it('does not plan when the baseline already reaches the target', async () => {
    const w = world({ alwaysRight: ['q1', 'q2', 'q3'], fixable: [] });
    const summary = await runInline(w, { config, questions });
    expect(summary.loops).toHaveLength(1);
    expect(summary.decision).toBe('target_reached');
    expect(w.requests).toEqual([]);
    expect(w.patches).toEqual([]);
  });

  it('stops with no_fixes, without a PATCH or a re-score, when the planner has nothing new', async () => {
    const w = world({ alwaysRight: ['q1'], fixable: [] });
    w.model.complete = async (request) => {
      w.requests.push(request);
      return { content: JSON.stringify({ analysis: 'nothing general to add', fixes: [] }), model: 'fake' };
    };
    const summary = await runInline(w, { config, questions });
    expect(summary.loops.map((l) => l.decision)).toEqual(['next_loop', 'no_fixes']);
    expect(summary.loops[1].score_after).toBeNull();
    expect(summary.final_score).toBeCloseTo(1 / 3);
    expect(w.patches).toEqual([]);
    expect(summary.backups).toEqual({});
  });
});
