import { randomUUID } from 'node:crypto';
import { commandsFor, isScored, loopOf, nextStep, startRun } from '../engine/run-engine.ts';
import type { RunCommand, RunEvent, RunState, Step } from '../engine/run-state.ts';
import { runView, type RunView } from '../engine/run-view.ts';
import { describeFailure, isInfrastructureError, RunAbortedError, SpaceConflictError } from '../errors/index.ts';
import type { BenchmarkQuestion, RunConfig, ScoreReport } from '../schemas/index.ts';
import type { GenieConversations, GenieEvalRuns } from '../stages/ports.ts';
import { agreementOf, scoreNative, type Agreement } from '../stages/native-score.stage.ts';
import { scoreBenchmark } from '../stages/score.stage.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { discardCopy, promoteCopy } from '../stages/staging.stage.ts';
import type { HistoryWriter } from '../history/history-writer.ts';
import { inlineHistory } from './inline-history.ts';
import { applyLoop, preflightLoop, failuresFor, outcomesOf, planLoop, restoreLoop, restoreSnapshot, rollbackLoop, stageLoop, type StepDeps } from './run-steps.ts';

export type RunStage = RunCommand['type'];

/** Progress of a run, for progress bars: every stage of every loop starts, may progress, and ends. */
export type RunProgress =
  | { type: 'stage_start'; loop: number; stage: RunStage; total: number }
  | { type: 'stage_progress'; loop: number; stage: RunStage; done: number; total: number }
  | { type: 'stage_end'; loop: number; stage: RunStage; summary: string };

export interface InlineDeps extends Omit<StepDeps, 'logger'> {
  genie: GenieConversations;
  /** Genie's benchmark evaluation API, for --scorer native|both */
  evalRuns?: GenieEvalRuns;
  evalPollMs?: { initial: number; max: number };
  logger?: Logger;
  /** run history in Delta: written at the end of each stage (a failed write never fails the run) */
  history?: { writer: HistoryWriter; benchmarkSource?: string; startedBy?: string };
}

export interface InlineInput {
  config: RunConfig;
  questions: BenchmarkQuestion[];
  runId?: string;
  onProgress?: (event: RunProgress) => void;
}

/** What an in-memory run keeps to be continued later (promote, discard): the CLI saves it as a file. */
export interface SavedRun {
  state: RunState;
  questions: BenchmarkQuestion[];
  /** serialized_space before each applied loop's update, by loop; 0 = the original as the run copied it */
  backups: Record<number, string>;
  /** serialized_space after each applied loop's update, by loop (what `restore` puts back) */
  snapshots: Record<number, string>;
  /** when the run was started, where its questions came from and who started it (for the history) */
  created_at?: string;
  benchmark_source?: string;
  started_by?: string;
}

/** The engine's view of the run plus what only the in-memory driver keeps: every pass's full report. */
export interface InlineRunResult extends RunView, SavedRun {
  reports: ScoreReport[];
  /** with --scorer both: per pass, how our comparison and Genie's evaluation agreed */
  agreements: Record<number, Agreement>;
  /** why some of the run's history could not be written to the Delta tables (the run itself is unaffected) */
  history_error?: string;
}

const pct = (score: number) => `${(score * 100).toFixed(1)}%`;

/** Runs a new run in memory to its end (or to awaiting_review). */
export async function runInline(deps: InlineDeps, input: InlineInput): Promise<InlineRunResult> {
  const runId = input.runId ?? randomUUID();
  const start = startRun(runId, input.config, input.questions.map((q) => q.id));
  return drive(deps, { state: start.state, questions: input.questions, backups: {}, snapshots: {}, created_at: new Date().toISOString() }, start, input.onProgress);
}

/** Continues a saved run with a person's decision (`promote_requested`, `discard_requested`). */
export async function resumeInline(deps: InlineDeps, saved: SavedRun, event: RunEvent, onProgress?: (event: RunProgress) => void): Promise<InlineRunResult> {
  const step = nextStep(saved.state, event);
  if (step.ignored) throw new RunAbortedError(step.ignored);
  return drive(deps, { ...saved, state: step.state }, step, onProgress);
}

/**
 * Drives the run engine in memory: executes each command with the stage functions and feeds the outcome back. An
 * outage ends the run `failed` with its reason; any other error is a bug and propagates.
 */
async function drive(deps: InlineDeps, saved: SavedRun, first: Step, onProgress?: (event: RunProgress) => void): Promise<InlineRunResult> {
  const { questions, backups } = saved;
  const snapshots = saved.snapshots ?? {};
  const logger = (deps.logger ?? silentLogger).child({ run_id: first.state.run_id });
  const emit = onProgress ?? (() => {});
  const stepDeps: StepDeps = { ...deps, logger };
  const reports: ScoreReport[] = [];
  const agreements: Record<number, Agreement> = {};
  // Genie's own benchmark evaluation of the pass (--scorer native|both); it asks each question once
  const nativePass = (spaceId: string, config: RunConfig, asked: readonly BenchmarkQuestion[]) => {
    if (!deps.evalRuns) throw new RunAbortedError('--scorer native|both: no client for Genie\'s eval-runs API was given');
    return scoreNative(
      { evalRuns: deps.evalRuns, spaces: deps.spaces, logger },
      { spaceId, questions: asked, timeoutMs: config.question_timeout_s * 1000 * Math.max(1, asked.length), ...(deps.evalPollMs ? { pollMs: deps.evalPollMs } : {}) },
    );
  };
  const createdAt = saved.created_at ?? new Date().toISOString();
  // a resumed run keeps who started it and from what
  const benchmarkSource = saved.benchmark_source ?? deps.history?.benchmarkSource ?? 'inline';
  const startedBy = saved.started_by ?? deps.history?.startedBy;
  const history = deps.history && inlineHistory(deps.history.writer, logger, {
    questionIds: questions.map((q) => q.id), benchmarkSource, createdAt, ...(startedBy ? { startedBy } : {}),
  });

  const execute = async (command: RunCommand, state: RunState): Promise<RunEvent> => {
    const { config } = state;
    const spaceId = state.work_space_id ?? config.space_id;
    switch (command.type) {
      case 'preflight':
        return { type: 'preflight_passed', excluded: await preflightLoop(stepDeps, { config, questions }) };
      case 'stage': {
        const staged = await stageLoop(stepDeps, { spaceId: config.space_id, runId: state.run_id });
        backups[0] = staged.original;
        return { type: 'staged', space_id: staged.spaceId, original_hash: staged.originalHash };
      }
      case 'score': {
        const asked = questions.filter((q) => isScored(state, q.id));
        const total = asked.length * config.repeats;
        const scorer = config.scorer ?? 'compare';
        const native = scorer === 'compare' ? undefined : await nativePass(spaceId, config, asked);
        if (native && scorer === 'native') {
          reports[command.pass] = native.report;
          return { type: 'pass_scored', pass: command.pass, outcomes: outcomesOf(native.report.results) };
        }
        const report = await scoreBenchmark(
          { genie: deps.genie, warehouse: deps.benchmarkWarehouse ?? deps.warehouse, logger },
          {
            spaceId,
            questions: asked,
            repeats: config.repeats,
            concurrency: config.batch ? config.genie_concurrency : 1,
            timeoutMs: config.question_timeout_s * 1000,
            onResult: (_r, done) => emit({ type: 'stage_progress', loop: command.pass, stage: 'score', done, total }),
          },
        );
        reports[command.pass] = report;
        if (native) {
          agreements[command.pass] = agreementOf(report.results, native.native);
          logger.info({ pass: command.pass, agreement: agreements[command.pass].agreement, differing: agreements[command.pass].differing.length }, 'our comparison and Genie\'s evaluation compared');
        }
        return { type: 'pass_scored', pass: command.pass, outcomes: outcomesOf(report.results) };
      }
      case 'plan': {
        const failures = failuresFor(reports[command.from_pass].results, command.failure_ids);
        return { type: 'planned', loop: command.loop, plan: await planLoop(stepDeps, { spaceId, failures, benchmark: questions, rejected: command.rejected, levers: config.levers }) };
      }
      case 'apply': {
        let applied: Awaited<ReturnType<typeof applyLoop>>;
        try {
          applied = await applyLoop(stepDeps, { spaceId, fixes: command.fixes, ...(command.planned_on ? { plannedOn: command.planned_on } : {}) });
        } catch (error) {
          if (!(error instanceof SpaceConflictError)) throw error;
          return { type: 'apply_conflict', loop: command.loop, reason: error.message };
        }
        const { record, backup, after } = applied;
        if (record.applied.length > 0) {
          backups[command.loop] = backup;
          snapshots[command.loop] = after;
        }
        return { type: 'applied', loop: command.loop, apply: record };
      }
      case 'rollback':
        await rollbackLoop(stepDeps, { spaceId, snapshot: backups[command.loop], metricViews: command.metric_views, sqlFunctions: command.sql_functions ?? [] });
        return { type: 'rolled_back', loop: command.loop };
      case 'promote': {
        const outcome = await promoteCopy(stepDeps, { spaceId: config.space_id, stagingSpaceId: command.from_space_id, originalAsCopied: backups[0] });
        return outcome.promoted ? { type: 'promoted' } : { type: 'promotion_refused', reason: outcome.reason };
      }
      case 'discard':
        await discardCopy(stepDeps, { stagingSpaceId: command.space_id, metricViews: command.metric_views, sqlFunctions: command.sql_functions ?? [] });
        return { type: 'discarded' };
      case 'restore':
        await restoreLoop(stepDeps, { spaceId: config.space_id, snapshot: restoreSnapshot({ backups, snapshots }, command.loop), loop: command.loop });
        return { type: 'restored', loop: command.loop };
    }
  };

  let state = first.state;
  let queue = first.commands;
  while (queue.length > 0) {
    const command = queue.shift()!;
    const stage = command.type;
    const loop = loopOf(command) ?? state.loop;
    emit({ type: 'stage_start', loop, stage, total: stage === 'score' ? questions.filter((q) => isScored(state, q.id)).length * state.config.repeats : 1 });
    const startedAt = new Date().toISOString();
    let event: RunEvent;
    try {
      event = await execute(command, state);
    } catch (error) {
      if (!isInfrastructureError(error) && !(error instanceof RunAbortedError)) throw error;
      logger.error({ err: error, stage }, 'stage failed');
      event = { type: 'stage_failed', stage, reason: describeFailure(error) };
    }
    const step = nextStep(state, event);
    state = step.state;
    await history?.stageEnded({ state, command, loop, started_at: startedAt, ended_at: new Date().toISOString(), backups, snapshots, ...(command.type === 'score' && reports[command.pass] ? { report: reports[command.pass] } : {}) });
    emit({ type: 'stage_end', loop, stage, summary: stageSummary(state, event) });
    logger.info({ stage, loop, status: state.status, phase: state.phase, decision: state.decision }, 'stage done');
    queue = [...queue, ...step.commands];
  }
  if (commandsFor(state).length > 0) throw new Error(`run ${state.run_id} stopped with work left at ${state.phase}`);
  const historyError = await history?.flush();
  return {
    ...runView(state), state, questions, backups, snapshots, reports, agreements, created_at: createdAt, benchmark_source: benchmarkSource,
    ...(startedBy ? { started_by: startedBy } : {}), ...(historyError ? { history_error: historyError.message } : {}),
  };
}

function stageSummary(state: RunState, event: RunEvent): string {
  switch (event.type) {
    case 'preflight_passed': {
      const left = state.excluded?.length ? `; ${state.excluded.length} benchmark question(s) left out: ${state.excluded.map((e) => `${e.question_id} (${e.reasons.join(', ')})`).join('; ')}` : '';
      return `workspace, space, warehouse and planner endpoint reachable${left}`;
    }
    case 'staged':
      return `working on the staging copy ${event.space_id}; the original stays untouched until promotion`;
    case 'pass_scored': {
      const loop = state.loops.find((l) => l.loop === event.pass);
      const pass = loop?.pass;
      if (!pass) return '';
      const heldOut = pass.holdout ? `, held-out ${pass.holdout.passed}/${pass.holdout.total} (${pct(pass.holdout.score)})` : '';
      const gate = loop.gate ? (loop.gate.accepted ? ', kept' : `, rolled back: ${loop.gate.reasons.join('; ')}`) : '';
      return `train ${pass.passed}/${pass.total} passed (${pct(pass.score)})${heldOut}${gate}`;
    }
    case 'planned':
      return `${event.plan.proposed.length} fixes proposed, ${event.plan.rejected.length} rejected`;
    case 'applied':
      return `${event.apply.applied.length} applied, ${event.apply.skipped.length} skipped`;
    case 'rolled_back':
      return 'space restored to its snapshot and verified';
    case 'promoted':
      return `the best kept configuration is now on space ${state.config.space_id}; staging copy trashed`;
    case 'promotion_refused':
      return `promotion refused: ${event.reason}`;
    case 'discarded':
      return 'staging copy trashed';
    case 'restored':
      return `space ${state.config.space_id} holds the configuration of loop ${event.loop} again (verified)`;
    case 'stage_failed':
      return `failed: ${event.reason}`;
    case 'apply_conflict':
      return state.status === 'failed' ? `failed: ${state.error}` : `nothing written, planning the loop again: ${event.reason}`;
    default:
      return event.type;
  }
}
