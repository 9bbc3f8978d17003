import { randomUUID } from 'node:crypto';
import { commandsFor, nextStep, startRun } from '../engine/run-engine.ts';
import type { RunCommand, RunEvent, RunState } from '../engine/run-state.ts';
import { runView, type RunView } from '../engine/run-view.ts';
import { describeFailure, isInfrastructureError, RunAbortedError } from '../errors/index.ts';
import type { BenchmarkQuestion, RunConfig, ScoreReport } from '../schemas/index.ts';
import type { GenieConversations } from '../stages/ports.ts';
import { preflight } from '../stages/preflight.stage.ts';
import { scoreBenchmark } from '../stages/score.stage.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { applyLoop, failuresFor, outcomesOf, planLoop, rollbackLoop, type StepDeps } from './run-steps.ts';

export type RunStage = 'preflight' | 'score' | 'plan' | 'apply' | 'rollback';

/** Progress of a run, for progress bars: every stage of every loop starts, may progress, and ends. */
export type RunProgress =
  | { type: 'stage_start'; loop: number; stage: RunStage; total: number }
  | { type: 'stage_progress'; loop: number; stage: RunStage; done: number; total: number }
  | { type: 'stage_end'; loop: number; stage: RunStage; summary: string };

export interface InlineDeps extends Omit<StepDeps, 'logger'> {
  genie: GenieConversations;
  logger?: Logger;
}

export interface InlineInput {
  config: RunConfig;
  questions: BenchmarkQuestion[];
  runId?: string;
  onProgress?: (event: RunProgress) => void;
}

/** The engine's view of the run plus what only the in-memory driver keeps: every pass's full report. */
export interface InlineRunResult extends RunView {
  state: RunState;
  reports: ScoreReport[];
  /** serialized_space before each applied loop's update, by loop */
  backups: Record<number, string>;
}

const pct = (score: number) => `${(score * 100).toFixed(1)}%`;

/**
 * Drives the run engine in memory (the CLI): executes each command with the stage functions and feeds the outcome
 * back. An outage ends the run `failed` with its reason; any other error is a bug and propagates.
 */
export async function runInline(deps: InlineDeps, input: InlineInput): Promise<InlineRunResult> {
  const runId = input.runId ?? randomUUID();
  const logger = (deps.logger ?? silentLogger).child({ run_id: runId });
  const emit = input.onProgress ?? (() => {});
  const stepDeps: StepDeps = { ...deps, logger };
  const reports: ScoreReport[] = [];
  const backups: Record<number, string> = {};

  const execute = async (command: RunCommand): Promise<RunEvent> => {
    switch (command.type) {
      case 'preflight':
        await preflight(deps, input.config);
        return { type: 'preflight_passed' };
      case 'score': {
        const total = input.questions.length * input.config.repeats;
        const report = await scoreBenchmark(
          { genie: deps.genie, warehouse: deps.warehouse, logger },
          {
            spaceId: input.config.space_id,
            questions: input.questions,
            repeats: input.config.repeats,
            concurrency: input.config.batch ? input.config.genie_concurrency : 1,
            timeoutMs: input.config.question_timeout_s * 1000,
            onResult: (_r, done) => emit({ type: 'stage_progress', loop: command.pass, stage: 'score', done, total }),
          },
        );
        reports[command.pass] = report;
        return { type: 'pass_scored', pass: command.pass, outcomes: outcomesOf(report.results) };
      }
      case 'plan': {
        const failures = failuresFor(reports[command.from_pass].results, command.failure_ids);
        return { type: 'planned', loop: command.loop, plan: await planLoop(stepDeps, { config: input.config, failures, benchmark: input.questions, rejected: command.rejected }) };
      }
      case 'apply': {
        const { record, backup } = await applyLoop(stepDeps, { config: input.config, fixes: command.fixes });
        if (record.applied.length > 0) backups[command.loop] = backup;
        return { type: 'applied', loop: command.loop, apply: record };
      }
      case 'rollback':
        await rollbackLoop(stepDeps, { config: input.config, snapshot: backups[command.loop], metricViews: command.metric_views });
        return { type: 'rolled_back', loop: command.loop };
    }
  };

  let step = startRun(runId, input.config, input.questions.map((q) => q.id));
  let state = step.state;
  let queue = step.commands;
  while (queue.length > 0) {
    const command = queue.shift()!;
    const stage = command.type;
    const loop = 'pass' in command ? command.pass : 'loop' in command ? command.loop : 0;
    emit({ type: 'stage_start', loop, stage, total: stage === 'score' ? input.questions.length * input.config.repeats : 1 });
    let event: RunEvent;
    try {
      event = await execute(command);
    } catch (error) {
      if (!isInfrastructureError(error) && !(error instanceof RunAbortedError)) throw error;
      logger.error({ err: error, stage }, 'stage failed');
      event = { type: 'stage_failed', stage, reason: describeFailure(error) };
    }
    step = nextStep(state, event);
    state = step.state;
    emit({ type: 'stage_end', loop, stage, summary: stageSummary(state, event) });
    logger.info({ stage, loop, status: state.status, phase: state.phase, decision: state.decision }, 'stage done');
    queue = [...queue, ...step.commands];
  }
  if (commandsFor(state).length > 0) throw new Error(`run ${runId} stopped with work left at ${state.phase}`);
  return { ...runView(state), state, reports, backups };
}

function stageSummary(state: RunState, event: RunEvent): string {
  switch (event.type) {
    case 'preflight_passed':
      return 'workspace, space, warehouse and planner endpoint reachable';
    case 'pass_scored': {
      const loop = state.loops.find((l) => l.loop === event.pass);
      const pass = loop?.pass;
      if (!pass) return '';
      const heldOut = pass.holdout ? `, held-out ${pass.holdout.passed}/${pass.holdout.total} (${pct(pass.holdout.score)})` : '';
      const gate = loop.gate ? (loop.gate.accepted ? ', kept' : `, rolled back: ${loop.gate.reasons.join('; ')}`) : '';
      return `train ${pass.passed}/${pass.total} passed (${pct(pass.score)})${heldOut}${gate}`;
    }
    case 'rolled_back':
      return 'space restored to its snapshot and verified';
    case 'planned':
      return `${event.plan.proposed.length} fixes proposed, ${event.plan.rejected.length} rejected`;
    case 'applied':
      return `${event.apply.applied.length} applied, ${event.apply.skipped.length} skipped`;
    case 'stage_failed':
      return `failed: ${event.reason}`;
    case 'cancel_requested':
      return 'cancelled';
  }
}
