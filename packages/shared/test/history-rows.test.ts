import { describe, expect, it } from 'vitest';
import { nextStep, startRun, type QuestionOutcome, type RunEvent, type RunState } from '../src/engine/index.ts';
import { fixId, historyRows, latestByKey, mergeStatement, HISTORY_TABLES, type HistoryRun } from '../src/history/index.ts';
import { RunConfig, type Fix } from '../src/schemas/index.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w', target_score: 0.9, max_loops: 1, in_place: true });
const rule = (content: string): Fix => ({ kind: 'text_instruction', content, rationale: `because ${content}`, targets: ['b'] });
const outcomes = (passing: string[]): QuestionOutcome[] =>
  ['a', 'b', 'c'].map((id) => ({ question_id: id, verdict: passing.includes(id) ? 'pass' : 'fail', reason_code: passing.includes(id) ? 'MATCH' : 'VALUE_DIFFERENCE', passes: passing.includes(id) ? 1 : 0, repeats: [passing.includes(id)] }));

/** Baseline, one loop whose change breaks a passing question: the gate rejects it and it is rolled back. */
function rolledBackRun(): RunState {
  const events: RunEvent[] = [
    { type: 'preflight_passed' },
    { type: 'pass_scored', pass: 0, outcomes: outcomes(['a']) },
    { type: 'planned', loop: 1, plan: { proposed: [rule('kept'), rule('skipped')], rejected: [{ fix: { kind: 'bogus' }, reason: 'not a fix' }], model: 'm' } },
    { type: 'applied', loop: 1, apply: { applied: [rule('kept')], skipped: [{ fix: rule('skipped'), reason: 'duplicate' }], metric_views_created: [] } },
    { type: 'pass_scored', pass: 1, outcomes: outcomes(['b']) },
    { type: 'rolled_back', loop: 1 },
  ];
  let state = startRun('r1', config, ['a', 'b', 'c']).state;
  for (const event of events) {
    const step = nextStep(state, event);
    expect(step.ignored, event.type).toBeUndefined();
    state = step.state;
  }
  return state;
}

const run = (state: RunState, revision: number): HistoryRun => ({ state, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:01:00.000Z', benchmark_source: 'inline', revision, question_ids: ['a', 'b', 'c'] });

describe('history rows of a run', () => {
  it('records a rolled-back loop: the pass not accepted with the reason, the applied fix rolled back, the others rejected', () => {
    const state = rolledBackRun();
    const rows = historyRows([{ type: 'run', run: run(state, 7) }]);
    expect(rows.runs).toHaveLength(1);
    expect(rows.runs[0]).toMatchObject({ run_id: 'r1', initial_score: 1 / 3, best_score: 1 / 3, final_score: 1 / 3, revision: 7, finished_at: state.status === 'running' ? null : '2026-01-01T00:01:00.000Z' });
    expect(rows.passes.map((p) => [p.loop, p.kind, p.accepted, p.rolled_back])).toEqual([[0, 'baseline', null, false], [1, 'loop', false, true]]);
    expect(String(rows.passes[1].rollback_reason)).not.toBe('');
    const status = Object.fromEntries(rows.fixes.map((f) => [JSON.parse(String(f.payload)).content ?? 'bogus', [f.status, f.status_reason]]));
    expect(status).toEqual({ kept: ['rolled_back', rows.passes[1].rollback_reason], skipped: ['rejected', 'duplicate'], bogus: ['rejected', 'not a fix'] });
    expect(rows.fixes.find((f) => f.status === 'rolled_back')!.fix_id).toBe(fixId(rule('kept')));
  });

  it('keeps one row per key in a batch, the newest revision', () => {
    const older = historyRows([{ type: 'run', run: run(rolledBackRun(), 3) }]).runs[0];
    const newer = { ...older, revision: 9, status: 'completed' };
    expect(latestByKey(HISTORY_TABLES.runs, [newer, older])).toEqual([newer]);
    expect(latestByKey(HISTORY_TABLES.runs, [older, newer])).toEqual([newer]);
  });

  it('puts every value in a named parameter, none in the SQL text', () => {
    const evil = "x'); DROP TABLE t; --";
    const { sql, params } = mergeStatement({ catalog: 'main', schema: 'h' }, 'fixes', [{ run_id: evil, loop: 1, fix_id: evil, kind: evil, payload: evil, targets: '[]', status: 'proposed', status_reason: null, rationale: evil, revision: 1 }]);
    expect(sql).not.toContain(evil);
    expect(sql).toMatch(/^MERGE INTO main\.h\.fixes AS t/);
    expect(sql).toMatch(/WHEN MATCHED AND s\.`revision` >= t\.`revision` THEN UPDATE/);
    expect(params.r0_rationale).toBe(evil);
  });
});
