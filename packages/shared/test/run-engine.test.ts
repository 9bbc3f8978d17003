import { describe, expect, it } from 'vitest';
import { commandsFor, nextStep, startRun, type QuestionOutcome, type RunEvent, type RunState } from '../src/engine/index.ts';
import { RunConfig, type Fix, type Verdict } from '../src/schemas/index.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w', target_score: 0.9, max_loops: 3 });
const rule = (content: string): Fix => ({ kind: 'text_instruction', content, rationale: 'general' });
const outcomes = (verdicts: Record<string, Verdict | 'broken'>): QuestionOutcome[] =>
  Object.entries(verdicts).map(([question_id, v]) =>
    v === 'broken' ? { question_id, verdict: 'error', reason_code: 'BENCHMARK_SQL_ERROR' } : { question_id, verdict: v, reason_code: v === 'pass' ? 'MATCH' : 'VALUE_DIFFERENCE' });

/** Feeds events one after the other from a new run; every event must be accepted. */
function run(events: RunEvent[], cfg = config): RunState {
  let state = startRun('r1', cfg, 3).state;
  for (const event of events) {
    const step = nextStep(state, event);
    expect(step.ignored, `${event.type} ignored`).toBeUndefined();
    state = step.state;
  }
  return state;
}
const scored = (pass: number, verdicts: Record<string, Verdict | 'broken'>): RunEvent => ({ type: 'pass_scored', pass, outcomes: outcomes(verdicts) });
const planned = (loop: number, fixes = [rule('a')]): RunEvent => ({ type: 'planned', loop, plan: { proposed: fixes, rejected: [], model: 'm' } });
const applied = (loop: number, fixes = [rule('a')]): RunEvent => ({ type: 'applied', loop, apply: { applied: fixes, skipped: [], metric_views_created: [] } });

describe('the run engine', () => {
  it('starts with a preflight, then the baseline pass', () => {
    const start = startRun('r1', config, 3);
    expect(start.commands).toEqual([{ type: 'preflight' }]);
    const step = nextStep(start.state, { type: 'preflight_passed' });
    expect(step.state.status).toBe('running');
    expect(step.commands).toEqual([{ type: 'score', pass: 0 }]);
  });

  it('stops at the baseline when it already reaches the target', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'pass', b: 'pass', c: 'pass' })]);
    expect(state).toMatchObject({ status: 'completed', decision: 'target_reached', target_reached: true });
    expect(commandsFor(state)).toEqual([]);
  });

  it('plans only over failures a fix can repair (not broken benchmarks, not passes)', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'pass', b: 'fail', c: 'broken' })]);
    expect(commandsFor(state)).toEqual([{ type: 'plan', loop: 1, from_pass: 0, failure_ids: ['b'] }]);
  });

  it('ends no_fixes without a model call when every failure is a broken benchmark', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'pass', b: 'broken', c: 'broken' })]);
    expect(state).toMatchObject({ status: 'completed', decision: 'no_fixes', target_reached: false });
  });

  it('applies what was planned, then re-scores, and lists fixed and regressed questions', () => {
    let state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'pass', c: 'error' }), planned(1)]);
    expect(commandsFor(state)).toEqual([{ type: 'apply', loop: 1, fixes: [rule('a')] }]);
    state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'pass', c: 'error' }), planned(1), applied(1)]);
    expect(commandsFor(state)).toEqual([{ type: 'score', pass: 1 }]);
    state = nextStep(state, scored(1, { a: 'pass', b: 'fail', c: 'pass' })).state;
    const pass = state.loops[1].pass!;
    expect(pass.fixed).toEqual(['a', 'c']);
    expect(pass.regressed).toEqual(['b']);
    expect(pass.score).toBeCloseTo(2 / 3);
    expect(state.loops[1].decision).toBe('next_loop');
  });

  it('stops no_fixes when the planner proposes nothing or nothing could be applied', () => {
    expect(run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1, [])])).toMatchObject({ decision: 'no_fixes', status: 'completed' });
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1), applied(1, [])]);
    expect(state).toMatchObject({ decision: 'no_fixes', status: 'completed' });
    expect(state.loops[1].pass).toBeUndefined();
  });

  it('stops at the target on the last loop, at max loops before progress, and when the score did not rise', () => {
    const loop1 = [{ type: 'preflight_passed' } as RunEvent, scored(0, { a: 'fail', b: 'fail', c: 'pass' }), planned(1), applied(1)];
    expect(run([...loop1, scored(1, { a: 'pass', b: 'pass', c: 'pass' })], { ...config, max_loops: 1 }).decision).toBe('target_reached');
    expect(run([...loop1, scored(1, { a: 'pass', b: 'fail', c: 'pass' })], { ...config, max_loops: 1 }).decision).toBe('max_loops');
    expect(run([...loop1, scored(1, { a: 'pass', b: 'fail', c: 'fail' })]).decision).toBe('no_progress');
    expect(run([...loop1, scored(1, { a: 'fail', b: 'fail', c: 'fail' })]).decision).toBe('no_progress');
    const going = run([...loop1, scored(1, { a: 'pass', b: 'fail', c: 'pass' })]);
    expect(going).toMatchObject({ status: 'running', phase: 'plan', loop: 2 });
    expect(commandsFor(going)).toEqual([{ type: 'plan', loop: 2, from_pass: 1, failure_ids: ['b'] }]);
  });

  it('ignores a repeated or stale event, so at-least-once delivery changes nothing', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1)]);
    for (const event of [scored(0, { a: 'pass' }), planned(1, []), applied(2), { type: 'preflight_passed' } as RunEvent, { type: 'stage_failed', stage: 'score', reason: 'late' } as RunEvent]) {
      const step = nextStep(state, event);
      expect(step.ignored).toBeDefined();
      expect(step.state).toBe(state);
      expect(step.commands).toEqual([]);
    }
  });

  it('fails the run with the stage and reason of an outage, and nothing follows', () => {
    const state = run([{ type: 'preflight_passed' }, { type: 'stage_failed', stage: 'score', reason: 'warehouse unreachable: w' }]);
    expect(state).toMatchObject({ status: 'failed', error: 'score: warehouse unreachable: w' });
    expect(nextStep(state, scored(0, { a: 'pass' })).ignored).toBe('run is failed');
  });

  it('cancels an active run once; a cancelled run takes no further event', () => {
    const state = run([{ type: 'preflight_passed' }, { type: 'cancel_requested' }]);
    expect(state.status).toBe('cancelled');
    expect(commandsFor(state)).toEqual([]);
    expect(nextStep(state, { type: 'cancel_requested' }).ignored).toBe('run is cancelled');
  });

  it('does not change the state it was given', () => {
    const before = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' })]);
    const copy = structuredClone(before);
    nextStep(before, planned(1));
    expect(before).toEqual(copy);
  });
});
