import { describe, expect, it } from 'vitest';
import { commandsFor, nextStep, startRun, type QuestionOutcome, type RunEvent, type RunState } from '../src/engine/index.ts';
import { RunConfig, type Fix, type Verdict } from '../src/schemas/index.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w', target_score: 0.9, max_loops: 3, in_place: true });
const rule = (content: string): Fix => ({ kind: 'text_instruction', content, rationale: 'general' });
const outcomes = (verdicts: Record<string, Verdict | 'broken'>): QuestionOutcome[] =>
  Object.entries(verdicts).map(([question_id, v]) =>
    v === 'broken'
      ? { question_id, verdict: 'error', reason_code: 'BENCHMARK_SQL_ERROR', passes: 0, repeats: [false] }
      : { question_id, verdict: v, reason_code: v === 'pass' ? 'MATCH' : 'VALUE_DIFFERENCE', passes: v === 'pass' ? 1 : 0, repeats: [v === 'pass'] });

/** Feeds events one after the other from a new run; every event must be accepted. */
function run(events: RunEvent[], cfg = config): RunState {
  let state = startRun('r1', cfg, ['a', 'b', 'c']).state;
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
    const start = startRun('r1', config, ['a', 'b', 'c']);
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
    expect(commandsFor(state)).toEqual([{ type: 'plan', loop: 1, from_pass: 0, failure_ids: ['b'], rejected: [] }]);
  });

  it('ends no_fixes without a model call when every failure is a broken benchmark', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'pass', b: 'broken', c: 'broken' })]);
    expect(state).toMatchObject({ status: 'completed', decision: 'no_fixes', target_reached: false });
  });

  it('applies what was planned, then re-scores, and keeps a change that fixes without breaking', () => {
    let state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'pass', c: 'error' }), planned(1)]);
    expect(commandsFor(state)).toEqual([{ type: 'apply', loop: 1, fixes: [rule('a')] }]);
    state = nextStep(state, applied(1)).state;
    expect(commandsFor(state)).toEqual([{ type: 'score', pass: 1 }]);
    state = nextStep(state, scored(1, { a: 'pass', b: 'pass', c: 'fail' })).state;
    expect(state.loops[1].gate).toMatchObject({ accepted: true, fixed: ['a'], regressed: [], compared_with_pass: 0 });
    expect(state.loops[1].pass).toMatchObject({ score: 2 / 3, fixed: ['a'], regressed: [] });
    expect(state).toMatchObject({ accepted_pass: 1, phase: 'plan', loop: 2 });
  });

  it('rolls back a change that breaks a passing question, even when the score rose, then plans from the kept pass', () => {
    let state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'pass', c: 'fail' }), planned(1), applied(1)]);
    state = nextStep(state, scored(1, { a: 'pass', b: 'fail', c: 'pass' })).state;
    expect(state.loops[1].gate).toMatchObject({ accepted: false, regressed: ['b'] });
    expect(state.loops[1].gate!.reasons[0]).toMatch(/1 question\(s\) that passed now fail \(b\)/);
    expect(commandsFor(state)).toEqual([{ type: 'rollback', loop: 1, metric_views: [] }]);
    state = nextStep(state, { type: 'rolled_back', loop: 1 }).state;
    expect(state).toMatchObject({ accepted_pass: 0, consecutive_rollbacks: 1, phase: 'plan', loop: 2 });
    expect(state.loops[1]).toMatchObject({ rolled_back: true, decision: 'rolled_back' });
    const [plan] = commandsFor(state);
    expect(plan).toMatchObject({ type: 'plan', loop: 2, from_pass: 0, failure_ids: ['a', 'c'] });
    expect(plan.type === 'plan' && plan.rejected).toEqual([{ fix: rule('a'), reason: expect.stringMatching(/^rolled back in loop 1: 1 question/) }]);
  });

  it('keeps a change with a regression when allow_regressions covers it', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'pass', c: 'fail' }), planned(1), applied(1), scored(1, { a: 'pass', b: 'fail', c: 'pass' })], { ...config, allow_regressions: 1 });
    expect(state.loops[1].gate?.accepted).toBe(true);
    expect(state.accepted_pass).toBe(1);
  });

  it('stops after three rollbacks in a row, ending on the last accepted configuration', () => {
    const events: RunEvent[] = [{ type: 'preflight_passed' }, scored(0, { a: 'fail', b: 'fail', c: 'pass' })];
    for (const loop of [1, 2, 3]) events.push(planned(loop, [rule(`r${loop}`)]), applied(loop, [rule(`r${loop}`)]), scored(loop, { a: 'fail', b: 'fail', c: 'pass' }), { type: 'rolled_back', loop });
    const state = run(events, { ...config, max_loops: 5 });
    expect(state).toMatchObject({ status: 'completed', decision: 'rollback_limit', accepted_pass: 0, target_reached: false });
    expect(state.loops[3].gate?.reasons).toEqual(['no train question was fixed']);
  });

  it('stops no_fixes when the planner proposes nothing or nothing could be applied', () => {
    expect(run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1, [])])).toMatchObject({ decision: 'no_fixes', status: 'completed' });
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1), applied(1, [])]);
    expect(state).toMatchObject({ decision: 'no_fixes', status: 'completed' });
    expect(state.loops[1].pass).toBeUndefined();
  });

  it('stops at the target on the last loop, and at max loops after a kept change', () => {
    const loop1 = [{ type: 'preflight_passed' } as RunEvent, scored(0, { a: 'fail', b: 'fail', c: 'pass' }), planned(1), applied(1)];
    expect(run([...loop1, scored(1, { a: 'pass', b: 'pass', c: 'pass' })], { ...config, max_loops: 1 }).decision).toBe('target_reached');
    expect(run([...loop1, scored(1, { a: 'pass', b: 'fail', c: 'pass' })], { ...config, max_loops: 1 }).decision).toBe('max_loops');
    const going = run([...loop1, scored(1, { a: 'pass', b: 'fail', c: 'pass' })]);
    expect(going).toMatchObject({ status: 'running', phase: 'plan', loop: 2 });
    expect(commandsFor(going)).toEqual([{ type: 'plan', loop: 2, from_pass: 1, failure_ids: ['b'], rejected: [] }]);
  });

  it('holds questions out of the planner by a seeded split, and reports both scores', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `q${i}`);
    const cfg = { ...config, split_seed: 'seed-1' };
    const first = startRun('r1', cfg, ids).state;
    expect(first.holdout_ids).toHaveLength(6);
    expect(startRun('r2', cfg, [...ids].reverse()).state.holdout_ids.sort()).toEqual([...first.holdout_ids].sort());
    expect(startRun('r3', { ...cfg, split_seed: 'seed-2' }, ids).state.holdout_ids).not.toEqual(first.holdout_ids);
    expect(startRun('r4', { ...cfg, holdout: 0 }, ids).state.holdout_ids).toEqual([]);
    let state = nextStep(first, { type: 'preflight_passed' }).state;
    state = nextStep(state, { type: 'pass_scored', pass: 0, outcomes: outcomes(Object.fromEntries(ids.map((id) => [id, 'fail' as const]))) }).state;
    const [plan] = commandsFor(state);
    expect(plan.type === 'plan' && plan.failure_ids).toEqual(ids.filter((id) => !first.holdout_ids.includes(id)));
    expect(state.loops[0].pass).toMatchObject({ total: 14, holdout: { total: 6, passed: 0 } });
  });

  it('rolls back a change that lowers the held-out score', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
    let state = startRun('r1', { ...config, split_seed: 's' }, ids).state;
    const held = state.holdout_ids;
    const train = ids.filter((id) => !held.includes(id));
    const verdicts = (passing: string[]) => outcomes(Object.fromEntries(ids.map((id) => [id, passing.includes(id) ? ('pass' as const) : ('fail' as const)])));
    for (const event of [{ type: 'preflight_passed' } as RunEvent, { type: 'pass_scored', pass: 0, outcomes: verdicts([held[0]]) } as RunEvent, planned(1), applied(1)]) state = nextStep(state, event).state;
    state = nextStep(state, { type: 'pass_scored', pass: 1, outcomes: verdicts([train[0], train[1]]) }).state;
    expect(state.loops[1].gate?.accepted).toBe(false);
    expect(state.loops[1].gate?.reasons).toEqual([expect.stringMatching(/^1 question/), 'the held-out score fell (1/3 → 0/3)']);
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

  describe('a staged run', () => {
    const staged = { ...config, in_place: false };
    const kept = (cfg: RunConfig) => run([{ type: 'preflight_passed' }, { type: 'staged', space_id: 'copy', original_hash: 'h0' }, scored(0, { a: 'fail', b: 'pass' }), planned(1), applied(1), scored(1, { a: 'pass', b: 'pass' })], cfg);

    it('copies the space first, then works only on the copy', () => {
      const state = run([{ type: 'preflight_passed' }], staged);
      expect(commandsFor(state)).toEqual([{ type: 'stage' }]);
      const copied = nextStep(state, { type: 'staged', space_id: 'copy', original_hash: 'h0' }).state;
      expect(copied).toMatchObject({ work_space_id: 'copy', original_hash: 'h0', phase: 'score' });
    });

    it('awaits review with a kept change, and promotes or discards only when asked', () => {
      const waiting = kept(staged);
      expect(waiting).toMatchObject({ status: 'awaiting_review', decision: 'target_reached', target_reached: true });
      expect(commandsFor(waiting)).toEqual([]);
      const promoting = nextStep(waiting, { type: 'promote_requested' });
      expect(promoting.commands).toEqual([{ type: 'promote', from_space_id: 'copy', original_hash: 'h0' }]);
      const refused = nextStep(promoting.state, { type: 'promotion_refused', reason: 'space s changed since the run copied it: instructions.text_instructions: 1 → 2 items' }).state;
      expect(refused).toMatchObject({ status: 'awaiting_review', promotion_error: expect.stringContaining('changed since') });
      expect(nextStep(nextStep(refused, { type: 'promote_requested' }).state, { type: 'promoted' }).state.status).toBe('promoted');
      const discarding = nextStep(refused, { type: 'discard_requested' });
      expect(discarding.commands).toEqual([{ type: 'discard', space_id: 'copy', metric_views: [] }]);
      expect(nextStep(discarding.state, { type: 'discarded' }).state.status).toBe('discarded');
    });

    it('promotes at once with auto_promote, and trashes a copy that kept nothing', () => {
      const auto = kept({ ...staged, auto_promote: true });
      expect(commandsFor(auto)).toEqual([{ type: 'promote', from_space_id: 'copy', original_hash: 'h0' }]);
      const nothing = run([{ type: 'preflight_passed' }, { type: 'staged', space_id: 'copy', original_hash: 'h0' }, scored(0, { a: 'fail' }), planned(1, [])], staged);
      expect(commandsFor(nothing)).toEqual([{ type: 'discard', space_id: 'copy', metric_views: [] }]);
      expect(nextStep(nothing, { type: 'discarded' }).state).toMatchObject({ status: 'completed', decision: 'no_fixes' });
    });

    it('a rollback drops the SQL functions its loop created; a discard those of the loops kept', () => {
      const withFn = (loop: number, fn: string): RunEvent => ({ type: 'applied', loop, apply: { applied: [rule('a')], skipped: [], metric_views_created: ['main.s.v'], sql_functions_created: [fn] } });
      const harmful = run([{ type: 'preflight_passed' }, { type: 'staged', space_id: 'copy', original_hash: 'h0' }, scored(0, { a: 'fail', b: 'pass' }), planned(1), withFn(1, 'main.s.f1'), scored(1, { a: 'pass', b: 'fail' })], staged);
      expect(commandsFor(harmful)).toEqual([{ type: 'rollback', loop: 1, metric_views: ['main.s.v'], sql_functions: ['main.s.f1'] }]);
      const keptFn = run([{ type: 'preflight_passed' }, { type: 'staged', space_id: 'copy', original_hash: 'h0' }, scored(0, { a: 'fail', b: 'pass' }), planned(1), withFn(1, 'main.s.f2'), scored(1, { a: 'pass', b: 'pass' })], staged);
      expect(nextStep(keptFn, { type: 'discard_requested' }).commands).toEqual([{ type: 'discard', space_id: 'copy', metric_views: ['main.s.v'], sql_functions: ['main.s.f2'] }]);
    });

    it('refuses promote and discard where they make no sense', () => {
      const inPlace = run([{ type: 'preflight_passed' }, scored(0, { a: 'pass', b: 'pass', c: 'pass' })]);
      expect(nextStep(inPlace, { type: 'promote_requested' }).ignored).toMatch(/only a run awaiting review/);
      expect(nextStep(inPlace, { type: 'discard_requested' }).ignored).toMatch(/in place/);
    });
  });

  it('stops a dry run after the plan: nothing is applied', () => {
    const state = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' }), planned(1)], { ...config, in_place: false, dry_run: true });
    expect(state).toMatchObject({ status: 'completed', decision: 'dry_run', work_space_id: 's' });
    expect(commandsFor(state)).toEqual([]);
  });

  it('leaves the questions the benchmark check excluded out of every score and plan', () => {
    let state = startRun('r1', config, ['a', 'b', 'c']).state;
    state = nextStep(state, { type: 'preflight_passed', excluded: [{ question_id: 'c', reasons: ['the expected SQL returns no rows'] }] }).state;
    state = nextStep(state, scored(0, { a: 'pass', b: 'fail', c: 'fail' })).state;
    expect(state.excluded).toEqual([{ question_id: 'c', reasons: ['the expected SQL returns no rows'] }]);
    expect(state.loops[0].pass).toMatchObject({ total: 2, passed: 1, score: 0.5 });
    expect(commandsFor(state)).toEqual([{ type: 'plan', loop: 1, from_pass: 0, failure_ids: ['b'], rejected: [] }]);
  });

  it('does not change the state it was given', () => {
    const before = run([{ type: 'preflight_passed' }, scored(0, { a: 'fail' })]);
    const copy = structuredClone(before);
    nextStep(before, planned(1));
    expect(before).toEqual(copy);
  });
});
