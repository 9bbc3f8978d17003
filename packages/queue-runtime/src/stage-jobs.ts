import {
  applyLoop,
  commandsFor,
  isScored,
  loopOf,
  describeFailure,
  failuresFor,
  outcomesOf,
  planLoop,
  preflightLoop,
  PreflightError,
  rollbackLoop,
  stageLoop,
  promoteCopy,
  discardCopy,
  restoreLoop,
  restoreSnapshot,
  repeatedQuestions,
  scoreQuestion,
  SpaceConflictError,
  type GenieConversations,
  type Logger,
  type RunCommand,
  type RunEvent,
  type RunState,
  type StepDeps,
  type Workspace,
} from '@genie-enhancer/shared';
import { UnrecoverableError } from 'bullmq';
import type { Dispatcher } from './dispatcher.ts';
import type { JobData } from './queues.ts';
import { resultField, type RunStore, type StageName } from './run-store.ts';
import { nativePassResults, recordAgreement } from './native-pass.ts';

/** What a stage job needs; the worker services build it once per process. */
export interface StageContext {
  store: RunStore;
  workspace: Workspace;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Genie behind the shared rate limit and the run's own concurrency (the scorer's) */
  genieFor?: (state: RunState) => GenieConversations;
  promptsDir?: string;
  /** polling of Genie's eval runs (scorer native|both); default 1 s doubling to 10 s */
  evalPollMs?: { initial: number; max: number };
}

export type JobOutcome = { skipped: string } | Record<string, unknown>;

/** The space a run scores and changes: its staging copy, or the original in place. */
const workSpace = (state: RunState): string => state.work_space_id ?? state.config.space_id;

const stepDeps = (ctx: StageContext, state: RunState): StepDeps => ({
  spaces: ctx.workspace.spaces,
  warehouse: ctx.workspace.warehouse(state.config.warehouse_id),
  benchmarkWarehouse: ctx.workspace.benchmarkWarehouse(state.config.warehouse_id),
  model: ctx.workspace.model(state.config.llm_endpoint),
  logger: ctx.logger.child({ run_id: state.run_id }),
  ...(ctx.promptsDir ? { promptsDir: ctx.promptsDir } : {}),
});

/** Feeds an event to the engine and enqueues what it asks for next. */
export async function advance(ctx: StageContext, runId: string, event: RunEvent): Promise<JobOutcome> {
  const step = await ctx.store.transition(runId, event);
  if (!step) return { skipped: `no run ${runId}` };
  if (step.ignored) return { skipped: step.ignored };
  await ctx.dispatcher.dispatch(step.state, step.commands);
  const { status, phase, loop, decision } = step.state;
  return { status, phase, loop, ...(decision ? { decision } : {}) };
}

/**
 * Runs the engine's current command when it is the one this job was made for. Otherwise the job is a repeat or
 * stale; the current command is enqueued again (a no-op unless a process died between a transition and its
 * dispatch) and the job ends.
 */
async function whenCurrent<T extends RunCommand['type']>(
  ctx: StageContext,
  runId: string,
  type: T,
  /** the loop (or pass) the job was made for; absent for once-per-run commands */
  at: number | undefined,
  execute: (command: Extract<RunCommand, { type: T }>, state: RunState) => Promise<RunEvent>,
): Promise<JobOutcome> {
  const state = await ctx.store.state(runId);
  if (!state) return { skipped: `no run ${runId}` };
  const current = commandsFor(state);
  const command = current.find((c): c is Extract<RunCommand, { type: T }> => c.type === type && (at === undefined || loopOf(c) === at));
  if (!command) {
    await ctx.dispatcher.dispatch(state, current);
    return { skipped: `run is ${state.status} at ${state.phase} of loop ${state.loop}` };
  }
  const loop = loopOf(command) ?? 0;
  await ctx.store.stageStarted(runId, loop, type);
  const event = await execute(command, state);
  await ctx.store.stageEnded(runId, loop, type);
  return advance(ctx, runId, event);
}

/** Planner queue: the checks before the first question; a failed check fails the run at once. */
export async function preflightJob(ctx: StageContext, data: JobData<'preflight'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'preflight', undefined, async (_c, state) => {
    try {
      const excluded = await preflightLoop(stepDeps(ctx, state), { config: state.config, questions: await ctx.store.questions(data.run_id) });
      return { type: 'preflight_passed', excluded };
    } catch (error) {
      if (!(error instanceof PreflightError)) throw error;
      return { type: 'stage_failed', stage: 'preflight', reason: describeFailure(error) };
    }
  });
}

/** Scorer: one benchmark question of one pass. Outages and 429s escape so the queue retries or waits. */
export async function scoreQuestionJob(ctx: StageContext, data: JobData<'score-question'>): Promise<JobOutcome> {
  const state = await ctx.store.state(data.run_id);
  if (!state || !commandsFor(state).some((c) => c.type === 'score' && c.pass === data.pass)) return { skipped: 'pass is not being scored' };
  const { repeats } = state.config;
  const question = await ctx.store.question(data.run_id, Math.floor(data.index / repeats));
  if (!question) return { skipped: `no question at index ${data.index}` };
  if (!isScored(state, question.id)) return { skipped: `question ${question.id} is left out of the benchmark` };
  const repeat = data.index % repeats;
  // one round trip less before the question is asked: the stage start is recorded once (NX) whatever this job finds
  const [done] = await Promise.all([ctx.store.result(data.run_id, data.pass, question.id, repeat), ctx.store.stageStarted(data.run_id, data.pass, 'score')]);
  if (done) return { question_id: question.id, verdict: done.verdict, reused: true };

  const result = await scoreQuestion(
    { genie: ctx.genieFor?.(state) ?? ctx.workspace.genie, warehouse: ctx.workspace.benchmarkWarehouse(state.config.warehouse_id), logger: ctx.logger },
    { spaceId: workSpace(state), question, timeoutMs: state.config.question_timeout_s * 1000 },
  );
  await ctx.store.saveResult(data.run_id, data.pass, repeats > 1 ? { ...result, repeat } : result, state.holdout_ids.includes(question.id) ? 'holdout' : 'train');
  return { question_id: question.id, repeat, verdict: result.verdict, reason_code: result.reason_code };
}

/**
 * Scorer: closes a pass once all its questions have a result; the engine decides what follows. With `scorer: native`
 * the pass has no question jobs and this job scores it with Genie's evaluation; with `both` it also records how
 * that evaluation agreed with the question jobs' results.
 */
export async function scorePassJob(ctx: StageContext, data: JobData<'score-pass'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'score', data.pass, async (command, state) => {
    const scorer = state.config.scorer ?? 'compare';
    const [questions, saved] = await Promise.all([ctx.store.questions(data.run_id), ctx.store.passResults(data.run_id, command.pass)]);
    const asked = questions.filter((q) => isScored(state, q.id));
    if (scorer === 'native') return { type: 'pass_scored', pass: command.pass, outcomes: outcomesOf(await nativePassResults(ctx, state, command.pass, asked)) };
    const fields = repeatedQuestions(asked, state.config.repeats).map(({ question, repeat }) => resultField(question.id, repeat));
    const missing = fields.filter((f) => !saved.has(f));
    if (missing.length > 0) throw new Error(`pass ${command.pass} has no result for ${missing.length} answer(s), e.g. ${missing[0]}`);
    const results = fields.map((f) => saved.get(f)!);
    if (scorer === 'both') await recordAgreement(ctx, state, command.pass, asked, results);
    return { type: 'pass_scored', pass: command.pass, outcomes: outcomesOf(results) };
  });
}

/** Planner: the fixes of a loop in one model call, over the failures the engine chose. */
export async function planJob(ctx: StageContext, data: JobData<'plan'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'plan', data.loop, async (command, state) => {
    const [benchmark, results] = await Promise.all([ctx.store.questions(data.run_id), ctx.store.passResults(data.run_id, command.from_pass)]);
    const failures = failuresFor([...results.values()], command.failure_ids);
    return { type: 'planned', loop: command.loop, plan: await planLoop(stepDeps(ctx, state), { spaceId: workSpace(state), failures, benchmark, rejected: command.rejected, levers: state.config.levers }) };
  });
}

/** Applier: all fixes of a loop in ONE space update (metric views through SQL first); a changed space is reported. */
export async function applyJob(ctx: StageContext, data: JobData<'apply'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'apply', data.loop, async (command, state) => {
    const intent = await ctx.store.applyIntent(data.run_id, command.loop);
    let applied: Awaited<ReturnType<typeof applyLoop>>;
    try {
      applied = await applyLoop(stepDeps(ctx, state), {
        spaceId: workSpace(state),
        fixes: command.fixes,
        ...(command.planned_on ? { plannedOn: command.planned_on } : {}),
        ...(intent ? { intent } : {}),
        remember: (next) => ctx.store.saveApplyIntent(data.run_id, command.loop, next),
      });
    } catch (error) {
      if (!(error instanceof SpaceConflictError)) throw error;
      return { type: 'apply_conflict', loop: command.loop, reason: error.message };
    }
    const { record, backup, after } = applied;
    await Promise.all([ctx.store.saveBackup(data.run_id, command.loop, backup, workSpace(state)), ctx.store.saveSnapshot(data.run_id, command.loop, after, workSpace(state))]);
    return { type: 'applied', loop: command.loop, apply: record };
  });
}

/** Applier: undoes a loop the gate rejected: its snapshot written back and verified, its metric views dropped. */
export async function rollbackJob(ctx: StageContext, data: JobData<'rollback'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'rollback', data.loop, async (command, state) => {
    const snapshot = await ctx.store.backup(data.run_id, command.loop);
    if (snapshot === undefined) throw new UnrecoverableError(`loop ${command.loop} of run ${data.run_id} has no snapshot to roll back to`);
    await rollbackLoop(stepDeps(ctx, state), { spaceId: workSpace(state), snapshot, metricViews: command.metric_views, sqlFunctions: command.sql_functions ?? [] });
    return { type: 'rolled_back', loop: command.loop };
  });
}

/** Applier: finds or creates the staging copy the run works on; the original as copied is kept as snapshot 0. */
export async function stageJob(ctx: StageContext, data: JobData<'stage'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'stage', undefined, async (_command, state) => {
    const staged = await stageLoop(stepDeps(ctx, state), { spaceId: state.config.space_id, runId: state.run_id });
    await ctx.store.saveBackup(data.run_id, 0, staged.original, state.config.space_id);
    return { type: 'staged', space_id: staged.spaceId, original_hash: staged.originalHash };
  });
}

/** Applier: writes the best kept configuration to the original (refused if it moved), trashes the copy. */
export async function promoteJob(ctx: StageContext, data: JobData<'promote'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'promote', undefined, async (command, state) => {
    const original = await ctx.store.backup(data.run_id, 0);
    if (original === undefined) throw new UnrecoverableError(`run ${data.run_id} has no copy of the original to compare with`);
    const outcome = await promoteCopy(stepDeps(ctx, state), { spaceId: state.config.space_id, stagingSpaceId: command.from_space_id, originalAsCopied: original });
    return outcome.promoted ? { type: 'promoted' } : { type: 'promotion_refused', reason: outcome.reason };
  });
}

/** Applier: trashes the staging copy and drops the metric views the run kept. */
export async function discardJob(ctx: StageContext, data: JobData<'discard'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'discard', undefined, async (command, state) => {
    await discardCopy(stepDeps(ctx, state), { stagingSpaceId: command.space_id, metricViews: command.metric_views, sqlFunctions: command.sql_functions ?? [] });
    return { type: 'discarded' };
  });
}

/** Applier: puts a kept configuration (0 = the one before the run) back onto the original space, verified. */
export async function restoreJob(ctx: StageContext, data: JobData<'restore'>): Promise<JobOutcome> {
  return whenCurrent(ctx, data.run_id, 'restore', undefined, async (command, state) => {
    const snapshot = restoreSnapshot(await ctx.store.snapshots(data.run_id), command.loop);
    await restoreLoop(stepDeps(ctx, state), { spaceId: state.config.space_id, snapshot, loop: command.loop });
    return { type: 'restored', loop: command.loop };
  });
}

/** The stage of each job, for the event that fails a run when a job fails for good. */
export const STAGE_OF_JOB = { preflight: 'preflight', 'score-question': 'score', 'score-pass': 'score', plan: 'plan', apply: 'apply', rollback: 'rollback', stage: 'stage', promote: 'promote', discard: 'discard', restore: 'restore' } as const satisfies Record<string, StageName>;
