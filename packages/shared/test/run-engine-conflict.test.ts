import { describe, expect, it } from 'vitest';
import { commandsFor, MAX_APPLY_CONFLICTS, nextStep, startRun, type QuestionOutcome, type RunEvent, type RunState } from '../src/engine/index.ts';
import { RunConfig, type Fix } from '../src/schemas/index.ts';

const config = RunConfig.parse({ space_id: 's', warehouse_id: 'w', target_score: 0.9, max_loops: 3, in_place: true });
const rule = (content: string): Fix => ({ kind: 'text_instruction', content, rationale: 'general' });
const failing: QuestionOutcome = { question_id: 'a', verdict: 'fail', reason_code: 'VALUE_DIFFERENCE', passes: 0, repeats: [false] };
const passing: QuestionOutcome = { question_id: 'b', verdict: 'pass', reason_code: 'MATCH', passes: 1, repeats: [true] };
const planned = (hash: string, fixes = [rule('x')]): RunEvent => ({ type: 'planned', loop: 1, plan: { proposed: fixes, rejected: [], model: 'm', space_hash: hash } });
const conflict: RunEvent = { type: 'apply_conflict', loop: 1, reason: 'space s changed since the loop was planned' };

function feed(state: RunState, events: RunEvent[]): RunState {
  for (const event of events) {
    const step = nextStep(state, event);
    expect(step.ignored, `${event.type} ignored`).toBeUndefined();
    state = step.state;
  }
  return state;
}
const atApply = () =>
  feed(startRun('r1', config, ['a', 'b']).state, [{ type: 'preflight_passed' }, { type: 'pass_scored', pass: 0, outcomes: [failing, passing] }, planned('h0')]);

describe('the run engine when the space changes between plan and apply', () => {
  it('tells the applier which space the plan was made against', () => {
    expect(commandsFor(atApply())).toEqual([{ type: 'apply', loop: 1, fixes: [rule('x')], planned_on: 'h0' }]);
  });

  it('plans the same loop again against the space as it is now, never merging the stale plan', () => {
    const state = feed(atApply(), [conflict]);
    expect(state).toMatchObject({ status: 'running', phase: 'plan', loop: 1 });
    expect(state.loops[1].plan).toBeUndefined();
    expect(state.loops[1].conflicts).toEqual(['space s changed since the loop was planned']);
    expect(commandsFor(state)).toEqual([{ type: 'plan', loop: 1, from_pass: 0, failure_ids: ['a'], rejected: [] }]);
    // the fresh plan is the one applied, against its own space
    const replanned = feed(state, [planned('h1', [rule('y')])]);
    expect(commandsFor(replanned)).toEqual([{ type: 'apply', loop: 1, fixes: [rule('y')], planned_on: 'h1' }]);
    const done = feed(replanned, [{ type: 'applied', loop: 1, apply: { applied: [rule('y')], skipped: [], metric_views_created: [] } }]);
    expect(commandsFor(done)).toEqual([{ type: 'score', pass: 1 }]);
  });

  it('ignores a repeated conflict report once the loop is being planned again (at-least-once delivery)', () => {
    const state = feed(atApply(), [conflict]);
    const repeat = nextStep(state, conflict);
    expect(repeat.ignored).toMatch(/at plan of loop 1/);
    expect(repeat.state).toBe(state);
  });

  it(`fails the run with a clear reason after ${MAX_APPLY_CONFLICTS} conflicts in one loop`, () => {
    let state = atApply();
    for (let i = 1; i < MAX_APPLY_CONFLICTS; i++) state = feed(state, [conflict, planned(`h${i}`)]);
    expect(state.phase).toBe('apply');
    state = feed(state, [conflict]);
    expect(state).toMatchObject({ status: 'failed', phase: 'done' });
    expect(state.error).toMatch(new RegExp(`^apply: the space changed under loop 1 ${MAX_APPLY_CONFLICTS} times .*stop other edits`));
    expect(commandsFor(state)).toEqual([]);
  });
});
