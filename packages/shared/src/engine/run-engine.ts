import type { LoopDecision, ReasonCode, RejectedFix, RunConfig } from '../schemas/index.ts';
import { judgeLoop } from './gate.ts';
import { defaultHoldout, holdoutIds } from './holdout-split.ts';
import { wilsonInterval } from './statistics.ts';
import type { LoopRecord, PassRecord, QuestionOutcome, RunCommand, RunEvent, RunState, SplitScore, Step } from './run-state.ts';

// A broken benchmark is not something a space fix can repair, so the planner never sees these.
const NOT_PLANNABLE = new Set<ReasonCode>(['BENCHMARK_SQL_ERROR', 'EMPTY_GOOD_SQL', 'INTERNAL_ERROR']);
/** Loops rolled back in a row before a run stops: the planner has run out of changes that help. */
export const MAX_CONSECUTIVE_ROLLBACKS = 3;

/** Times one loop is planned again because the space changed under its update, before the run fails. */
export const MAX_APPLY_CONFLICTS = 3;

/** A run still to be worked on. */
export const isActive = (state: Pick<RunState, 'status'>): boolean => state.status === 'queued' || state.status === 'running';

/** The state of a new run and its first command; the held-out split is drawn here, once. */
export function startRun(runId: string, config: RunConfig, questionIds: readonly string[]): Step {
  const holdout = holdoutIds(questionIds, config.holdout ?? defaultHoldout(questionIds.length), config.split_seed ?? runId);
  const state: RunState = {
    run_id: runId, config, question_count: questionIds.length, status: 'queued', phase: 'preflight', loop: 0, loops: [{ loop: 0 }],
    holdout_ids: holdout, accepted_pass: 0, consecutive_rollbacks: 0,
  };
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
      const from = passOf(state, state.accepted_pass);
      return [{ type: 'plan', loop: state.loop, from_pass: from.pass, failure_ids: plannableFailureIds(from.outcomes, state.holdout_ids), rejected: rejectedSoFar(state) }];
    }
    case 'apply': {
      const plan = state.loops[state.loop]?.plan;
      return [{ type: 'apply', loop: state.loop, fixes: plan?.proposed ?? [], ...(plan?.space_hash ? { planned_on: plan.space_hash } : {}) }];
    }
    case 'rollback':
      return [{ type: 'rollback', loop: state.loop, metric_views: state.loops[state.loop]?.apply?.metric_views_created ?? [], ...nonEmpty(state.loops[state.loop]?.apply?.sql_functions_created) }];
    case 'stage':
      return [{ type: 'stage' }];
    case 'promote':
      return [{ type: 'promote', from_space_id: state.work_space_id!, original_hash: state.original_hash! }];
    case 'discard':
      return [{ type: 'discard', space_id: state.work_space_id!, metric_views: keptMetricViews(state), ...nonEmpty(keptSqlFunctions(state)) }];
    case 'restore':
      return [{ type: 'restore', loop: state.restore!.loop }];
    case 'done':
      return [];
  }
}

function staleReason(state: RunState, event: RunEvent): string | undefined {
  if (event.type === 'promote_requested') return state.status === 'awaiting_review' ? undefined : `only a run awaiting review can be promoted; this one is ${state.status}`;
  if (event.type === 'discard_requested') {
    if (!isStaged(state)) return 'the run changed the space in place: there is no staging copy to discard';
    return ['awaiting_review', 'cancelled', 'failed'].includes(state.status) ? undefined : `a ${state.status} run cannot be discarded`;
  }
  if (event.type === 'restore_requested') {
    if (isActive(state)) return `run is ${state.status}: restore a configuration once it has ended`;
    const kept = event.loop === 0 || state.loops.some((l) => l.loop === event.loop && l.gate?.accepted);
    return kept ? undefined : `loop ${event.loop} left no kept configuration (kept: 0${state.loops.filter((l) => l.gate?.accepted).map((l) => `, ${l.loop}`).join('')})`;
  }
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
    case 'apply_conflict':
      return expect('apply', event.loop);
    case 'rolled_back':
      return expect('rollback', event.loop);
    case 'staged':
      return expect('stage');
    case 'promoted':
    case 'promotion_refused':
      return expect('promote');
    case 'discarded':
      return expect('discard');
    case 'restored':
      return expect('restore', undefined) ?? (event.loop === state.restore?.loop ? undefined : `restoring loop ${state.restore?.loop}`);
    case 'stage_failed':
      return expect(event.stage);
    case 'cancel_requested':
      return undefined;
  }
  return undefined;
}

function transition(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'preflight_passed': {
      const checked = { ...state, ...(event.excluded?.length ? { excluded: event.excluded } : {}) };
      const direct = state.config.in_place || state.config.dry_run;
      return direct ? { ...checked, status: 'running', phase: 'score', work_space_id: state.config.space_id } : { ...checked, status: 'running', phase: 'stage' };
    }
    case 'staged':
      return { ...state, phase: 'score', work_space_id: event.space_id, original_hash: event.original_hash };
    case 'promote_requested':
      return { ...state, status: 'running', phase: 'promote', promotion_attempts: (state.promotion_attempts ?? 0) + 1 };
    case 'discard_requested':
      return { ...state, status: 'running', phase: 'discard', discard_requested: true };
    case 'promoted':
      return { ...state, status: 'promoted', phase: 'done', promotion_error: undefined };
    case 'promotion_refused':
      return { ...state, status: 'awaiting_review', phase: 'done', promotion_error: event.reason };
    case 'discarded':
      return { ...state, status: state.discard_requested ? 'discarded' : 'completed', phase: 'done' };
    case 'restore_requested':
      return { ...state, status: 'running', phase: 'restore', restore: { loop: event.loop, resume_status: state.status }, restore_requests: (state.restore_requests ?? 0) + 1 };
    case 'restored':
      return { ...state, status: state.restore!.resume_status, phase: 'done', restored_loop: event.loop, restore: undefined };
    case 'pass_scored':
      return afterPass(state, event.pass, event.outcomes);
    case 'planned': {
      loopAt(state, event.loop).plan = event.plan;
      if (event.plan.proposed.length === 0) return finish(state, 'no_fixes');
      // a dry run stops here: the fixes and the change they would make are the result
      return state.config.dry_run ? finish(state, 'dry_run') : { ...state, phase: 'apply' };
    }
    case 'applied': {
      loopAt(state, event.loop).apply = event.apply;
      // nothing changed, so re-scoring would only measure Genie's noise
      return event.apply.applied.length === 0 ? finish(state, 'no_fixes') : { ...state, phase: 'score' };
    }
    case 'apply_conflict':
      return afterConflict(state, event.loop, event.reason);
    case 'rolled_back':
      return afterRollback(state, event.loop);
    case 'stage_failed':
      return { ...state, status: 'failed', phase: 'done', error: `${event.stage}: ${event.reason}` };
    case 'cancel_requested':
      return { ...state, status: 'cancelled', phase: 'done' };
  }
}

function afterPass(state: RunState, pass: number, all: QuestionOutcome[]): RunState {
  const outcomes = all.filter((o) => isScored(state, o.question_id));
  const accepted = pass > 0 ? passOf(state, state.accepted_pass) : undefined;
  const record = passRecord(pass, outcomes, state.holdout_ids, accepted);
  const loop = loopAt(state, pass);
  loop.pass = record;
  if (accepted) {
    loop.gate = judgeLoop(state.config, accepted, record, state.holdout_ids);
    if (!loop.gate.accepted) return { ...state, phase: 'rollback' };
  }
  const kept = { ...state, accepted_pass: pass, consecutive_rollbacks: 0 };
  if (record.score >= state.config.target_score) return finish(kept, 'target_reached');
  if (pass >= state.config.max_loops) return finish(kept, 'max_loops');
  loop.decision = 'next_loop';
  return toPlan(kept, pass + 1);
}

/**
 * Someone else changed the space: a plan made against the old one must not be merged onto the new one, so the
 * loop is planned again against the space as it is now; a space that keeps changing fails the run.
 */
function afterConflict(state: RunState, loop: number, reason: string): RunState {
  const record = loopAt(state, loop);
  record.conflicts = [...(record.conflicts ?? []), reason];
  delete record.plan;
  if (record.conflicts.length >= MAX_APPLY_CONFLICTS) {
    const error = `apply: the space changed under loop ${loop} ${record.conflicts.length} times (last: ${reason}); stop other edits to the space and run again`;
    return { ...state, status: 'failed', phase: 'done', error };
  }
  return { ...state, phase: 'plan' };
}

function afterRollback(state: RunState, loop: number): RunState {
  const record = loopAt(state, loop);
  record.rolled_back = true;
  const rolled = { ...state, consecutive_rollbacks: state.consecutive_rollbacks + 1 };
  if (rolled.consecutive_rollbacks >= MAX_CONSECUTIVE_ROLLBACKS) return finish(rolled, 'rollback_limit');
  if (loop >= state.config.max_loops) return finish(rolled, 'max_loops');
  record.decision = 'rolled_back';
  return toPlan(rolled, loop + 1);
}

/** Moves on to plan loop `loop` from the accepted pass, unless nothing there can be repaired. */
function toPlan(state: RunState, loop: number): RunState {
  const next = { ...state, loop, phase: 'plan' as const, loops: [...state.loops, { loop }] };
  const from = passOf(next, next.accepted_pass);
  return plannableFailureIds(from.outcomes, next.holdout_ids).length === 0 ? finish(next, 'no_fixes') : next;
}

/**
 * The loop is over. In place or dry: the run is complete. Staged: a kept change is promoted at once
 * (auto_promote) or awaits review; with nothing kept, the staging copy is trashed.
 */
function finish(state: RunState, decision: LoopDecision): RunState {
  loopAt(state, state.loop).decision = decision;
  const accepted = state.loops.find((l) => l.loop === state.accepted_pass)?.pass;
  const ended = { ...state, decision, target_reached: (accepted?.score ?? 0) >= state.config.target_score };
  if (!isStaged(state)) return { ...ended, status: 'completed', phase: 'done' };
  if (state.accepted_pass === 0) return { ...ended, phase: 'discard' };
  return state.config.auto_promote ? { ...ended, phase: 'promote' } : { ...ended, status: 'awaiting_review', phase: 'done' };
}

/** The run works on a staging copy of the space (not in place, not a dry run). */
/** A question the benchmark check left out is never asked: it would spend Genie quota on a result nobody counts. */
export const isScored = (state: Pick<RunState, 'excluded'>, questionId: string): boolean => !(state.excluded ?? []).some((e) => e.question_id === questionId);

export const isStaged = (state: RunState): boolean => state.work_space_id !== undefined && state.work_space_id !== state.config.space_id;

/** Metric views created by loops that were kept (rolled-back loops dropped theirs already). */
function keptMetricViews(state: RunState): string[] {
  return state.loops.filter((l) => l.gate?.accepted).flatMap((l) => l.apply?.metric_views_created ?? []);
}

/** `sql_functions` only when there are some, so commands of runs without functions read as before. */
const nonEmpty = (functions: string[] | undefined): { sql_functions?: string[] } => (functions?.length ? { sql_functions: functions } : {});

/** SQL functions created by loops that were kept (rolled-back loops dropped theirs already). */
function keptSqlFunctions(state: RunState): string[] {
  return state.loops.filter((l) => l.gate?.accepted).flatMap((l) => l.apply?.sql_functions_created ?? []);
}

/** Train questions of a pass whose failure a space fix may repair; held-out questions never reach the planner. */
export function plannableFailureIds(outcomes: readonly QuestionOutcome[], holdout: readonly string[] = []): string[] {
  const held = new Set(holdout);
  return outcomes.filter((o) => o.verdict !== 'pass' && !NOT_PLANNABLE.has(o.reason_code) && !held.has(o.question_id)).map((o) => o.question_id);
}

/** Every fix of a rolled-back loop, with the gate's reasons, so the planner does not propose it again. */
function rejectedSoFar(state: RunState): RejectedFix[] {
  return state.loops.flatMap((l) =>
    l.gate && !l.gate.accepted ? (l.apply?.applied ?? []).map((fix) => ({ fix, reason: `rolled back in loop ${l.loop}: ${l.gate!.reasons.join('; ')}` })) : [],
  );
}

function splitScore(outcomes: readonly QuestionOutcome[]): SplitScore {
  const fraction = outcomes.reduce((sum, o) => sum + o.passes / Math.max(1, o.repeats.length), 0);
  const answers = outcomes.reduce((n, o) => n + o.repeats.length, 0);
  const passedAnswers = outcomes.reduce((n, o) => n + o.passes, 0);
  return {
    score: outcomes.length ? fraction / outcomes.length : 0,
    passed: outcomes.filter((o) => o.passes === o.repeats.length).length,
    total: outcomes.length,
    interval: wilsonInterval(passedAnswers, answers),
  };
}

/** Train and held-out scores of one pass, and the per-question changes against a reference pass. */
export function passRecord(pass: number, outcomes: QuestionOutcome[], holdout: readonly string[] = [], reference?: PassRecord): PassRecord {
  const held = new Set(holdout);
  const train = splitScore(outcomes.filter((o) => !held.has(o.question_id)));
  const heldOut = held.size > 0 ? splitScore(outcomes.filter((o) => held.has(o.question_id))) : null;
  const before = new Map(reference?.outcomes.map((o) => [o.question_id, o.verdict]));
  const fixed: string[] = [];
  const regressed: string[] = [];
  for (const o of outcomes) {
    const was = before.get(o.question_id);
    if (was === undefined) continue;
    if (was !== 'pass' && o.verdict === 'pass') fixed.push(o.question_id);
    if (was === 'pass' && o.verdict !== 'pass') regressed.push(o.question_id);
  }
  return { pass, ...train, holdout: heldOut, outcomes, fixed, regressed };
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

/** The loop (or, for scoring, the pass) a command belongs to; undefined for once-per-run commands. */
export function loopOf(command: RunCommand): number | undefined {
  return 'pass' in command ? command.pass : 'loop' in command ? command.loop : undefined;
}

/** The pass whose configuration is in place and kept (what a run ends with). */
export function acceptedPass(state: RunState): PassRecord | undefined {
  return state.loops.find((l) => l.loop === state.accepted_pass)?.pass;
}
