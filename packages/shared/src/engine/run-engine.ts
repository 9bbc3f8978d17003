import type { LoopDecision, ReasonCode, RunConfig } from '../schemas/index.ts';
import type { LoopRecord, PassRecord, QuestionOutcome, RunCommand, RunEvent, RunState, Step } from './run-state.ts';

// A broken benchmark is not something a space fix can repair, so the planner never sees these.
const NOT_PLANNABLE = new Set<ReasonCode>(['BENCHMARK_SQL_ERROR', 'EMPTY_GOOD_SQL', 'INTERNAL_ERROR']);

/** A run still to be worked on. */
export const isActive = (state: Pick<RunState, 'status'>): boolean => state.status === 'queued' || state.status === 'running';

/** The state of a new run and its first command. */
export function startRun(runId: string, config: RunConfig, questionCount: number): Step {
  const state: RunState = { run_id: runId, config, question_count: questionCount, status: 'queued', phase: 'preflight', loop: 0, loops: [{ loop: 0 }] };
  return { state, commands: commandsFor(state) };
}

/**
 * The one place where a run's decisions are made: given what happened, the next state and what to do next.
 * Pure and deterministic; an event that does not fit the state (a repeated or stale job) changes nothing, so
 * drivers with at-least-once delivery may report an event twice.
 */
export function nextStep(state: RunState, event: RunEvent): Step {
  const stale = staleReason(state, event);
  if (stale) return { state, commands: [], ignored: stale };
  const next = transition(structuredClone(state), event);
  return { state: next, commands: commandsFor(next) };
}

/** What the run waits for in its current state; drivers re-issue it after a crash (commands are idempotent). */
export function commandsFor(state: RunState): RunCommand[] {
  if (!isActive(state)) return [];
  switch (state.phase) {
    case 'preflight':
      return [{ type: 'preflight' }];
    case 'score':
      return [{ type: 'score', pass: state.loop }];
    case 'plan': {
      const from = passOf(state, state.loop - 1);
      return [{ type: 'plan', loop: state.loop, from_pass: from.pass, failure_ids: plannableFailureIds(from.outcomes) }];
    }
    case 'apply':
      return [{ type: 'apply', loop: state.loop, fixes: state.loops[state.loop]?.plan?.proposed ?? [] }];
    case 'done':
      return [];
  }
}

function staleReason(state: RunState, event: RunEvent): string | undefined {
  if (!isActive(state)) return `run is ${state.status}`;
  const expect = (phase: RunState['phase'], loop?: number) =>
    state.phase !== phase || (loop !== undefined && loop !== state.loop) ? `run is at ${state.phase} of loop ${state.loop}` : undefined;
  switch (event.type) {
    case 'preflight_passed':
      return expect('preflight');
    case 'pass_scored':
      return expect('score', event.pass);
    case 'planned':
      return expect('plan', event.loop);
    case 'applied':
      return expect('apply', event.loop);
    case 'stage_failed':
      return expect(event.stage);
    case 'cancel_requested':
      return undefined;
  }
}

function transition(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'preflight_passed':
      return { ...state, status: 'running', phase: 'score' };
    case 'pass_scored':
      return afterPass(state, event.pass, event.outcomes);
    case 'planned': {
      loopAt(state, event.loop).plan = event.plan;
      return event.plan.proposed.length === 0 ? finish(state, 'no_fixes') : { ...state, phase: 'apply' };
    }
    case 'applied': {
      loopAt(state, event.loop).apply = event.apply;
      // nothing changed, so re-scoring would only measure Genie's noise
      return event.apply.applied.length === 0 ? finish(state, 'no_fixes') : { ...state, phase: 'score' };
    }
    case 'stage_failed':
      return { ...state, status: 'failed', phase: 'done', error: `${event.stage}: ${event.reason}` };
    case 'cancel_requested':
      return { ...state, status: 'cancelled', phase: 'done' };
  }
}

function afterPass(state: RunState, pass: number, outcomes: QuestionOutcome[]): RunState {
  const previous = pass > 0 ? passOf(state, pass - 1) : undefined;
  const record = passRecord(pass, outcomes, previous);
  const loop = loopAt(state, pass);
  loop.pass = record;
  const decision = decide(state.config, record, previous);
  loop.decision = decision;
  if (decision !== 'next_loop') return finish(state, decision);
  const next = { ...state, loop: pass + 1, phase: 'plan' as const, loops: [...state.loops, { loop: pass + 1 }] };
  // nothing the planner may look at: a fix cannot help
  return plannableFailureIds(record.outcomes).length === 0 ? finishAt(next, pass + 1, 'no_fixes') : next;
}

function decide(config: RunConfig, current: PassRecord, previous: PassRecord | undefined): LoopDecision {
  if (current.score >= config.target_score) return 'target_reached';
  if (!previous) return 'next_loop';
  if (current.pass >= config.max_loops) return 'max_loops';
  if (current.score <= previous.score) return 'no_progress';
  return 'next_loop';
}

function finish(state: RunState, decision: LoopDecision): RunState {
  return finishAt(state, state.loop, decision);
}

function finishAt(state: RunState, loop: number, decision: LoopDecision): RunState {
  loopAt(state, loop).decision = decision;
  const last = lastPass(state);
  return { ...state, status: 'completed', phase: 'done', decision, target_reached: (last?.score ?? 0) >= state.config.target_score };
}

/** Questions of a pass whose failure a space fix may repair. */
export function plannableFailureIds(outcomes: readonly QuestionOutcome[]): string[] {
  return outcomes.filter((o) => o.verdict !== 'pass' && !NOT_PLANNABLE.has(o.reason_code)).map((o) => o.question_id);
}

/** Score and per-question changes of one pass, compared with the pass before it. */
export function passRecord(pass: number, outcomes: QuestionOutcome[], previous?: PassRecord): PassRecord {
  const passed = outcomes.filter((o) => o.verdict === 'pass').length;
  const before = new Map(previous?.outcomes.map((o) => [o.question_id, o.verdict]));
  const fixed: string[] = [];
  const regressed: string[] = [];
  for (const o of outcomes) {
    const was = before.get(o.question_id);
    if (was === undefined) continue;
    if (was !== 'pass' && o.verdict === 'pass') fixed.push(o.question_id);
    if (was === 'pass' && o.verdict !== 'pass') regressed.push(o.question_id);
  }
  return { pass, score: outcomes.length ? passed / outcomes.length : 0, passed, total: outcomes.length, outcomes, fixed, regressed };
}

function loopAt(state: RunState, loop: number): LoopRecord {
  const found = state.loops.find((l) => l.loop === loop);
  if (found) return found;
  const created: LoopRecord = { loop };
  state.loops.push(created);
  return created;
}

function passOf(state: RunState, pass: number): PassRecord {
  const record = state.loops.find((l) => l.loop === pass)?.pass;
  if (!record) throw new Error(`run ${state.run_id} has no pass ${pass}`);
  return record;
}

/** The last closed scoring pass, if any. */
export function lastPass(state: RunState): PassRecord | undefined {
  return [...state.loops].sort((a, b) => a.loop - b.loop).filter((l) => l.pass).at(-1)?.pass;
}
