import { plannableFailures } from '../loop/run-loop.ts';
import { describeSpaceTables } from '../loop/table-schemas.ts';
import { parseSerializedSpace, type LoopDecision, type QuestionResult, type ScoreReport } from '../schemas/index.ts';
import { applyFixes } from '../stages/apply.stage.ts';
import { plan } from '../stages/plan.stage.ts';
import type { GenieConversations } from '../stages/ports.ts';
import { scoreQuestion, toScoreReport } from '../stages/score.stage.ts';
import { validate } from '../stages/validate.stage.ts';
import type { Workspace } from '../clients/workspace.ts';
import type { Logger } from '../util/logger.ts';
import type { ApplyJobData, PassJobData, QuestionJobData } from './queues.ts';
import { isActiveStatus, type PassSummary, type RunRecord, type RunStore } from './run-store.ts';

/** What a stage job needs; the worker services build it once per process. */
export interface StageContext {
  store: RunStore;
  workspace: Workspace;
  /** Genie behind the shared rate limit and the run's own concurrency (the scorer's) */
  genieFor?: (run: RunRecord) => GenieConversations;
  /** next steps of the chain */
  enqueue: {
    apply(data: ApplyJobData): Promise<void>;
    scoringPass(runId: string, pass: number, questionCount: number): Promise<void>;
  };
  logger: Logger;
  promptsDir?: string;
}

export type JobOutcome = { skipped: string } | Record<string, unknown>;

async function activeRun(ctx: StageContext, runId: string): Promise<RunRecord | undefined> {
  const run = await ctx.store.get(runId);
  return run && isActiveStatus(run.status) ? run : undefined;
}

/** Scorer: one benchmark question of one pass. A RateLimitedError escapes so the queue can wait without losing it. */
export async function scoreQuestionJob(ctx: StageContext, data: QuestionJobData): Promise<JobOutcome> {
  const run = await activeRun(ctx, data.run_id);
  if (!run) return { skipped: 'run is not active' };
  const question = (await ctx.store.questions(data.run_id))[data.index];
  if (!question) return { skipped: `no question at index ${data.index}` };
  const done = await ctx.store.result(data.run_id, data.pass, question.id);
  if (done) return { question_id: question.id, verdict: done.verdict, reused: true };

  await ctx.store.markRunning(data.run_id, data.pass);
  await ctx.store.stageStarted(data.run_id, data.pass, 'score');
  const result = await scoreQuestion(
    { genie: ctx.genieFor?.(run) ?? ctx.workspace.genie, warehouse: ctx.workspace.warehouse(run.config.warehouse_id), logger: ctx.logger },
    { spaceId: run.config.space_id, question, timeoutMs: run.config.question_timeout_s * 1000 },
  );
  await ctx.store.saveResult(data.run_id, data.pass, result);
  return { question_id: question.id, verdict: result.verdict, reason_code: result.reason_code };
}

/** The pass's report in question order; a question whose job failed for good counts as an error. */
async function passReport(ctx: StageContext, runId: string, pass: number): Promise<ScoreReport> {
  const [questions, saved] = await Promise.all([ctx.store.questions(runId), ctx.store.passResults(runId, pass)]);
  const results = questions.map((q): QuestionResult => saved.get(q.id) ?? {
    question_id: q.id, question: q.question, expected_sql: q.expected_sql, verdict: 'error', reason_code: 'INTERNAL_ERROR',
    reason: 'the scoring job failed after all its attempts', duration_ms: 0,
  });
  return toScoreReport(results);
}

/** Scorer: closes a scoring pass once all its questions are done, and decides (validate) what comes next. */
export async function scorePassJob(ctx: StageContext, data: PassJobData): Promise<JobOutcome> {
  const run = await activeRun(ctx, data.run_id);
  if (!run) return { skipped: 'run is not active' };
  const { config } = run;
  const current = await passReport(ctx, data.run_id, data.pass);
  let summary: PassSummary;
  if (data.pass === 0) {
    summary = { score: current.score, passed: current.passed, total: current.total, fixed: [], regressed: [], decision: current.score >= config.target_score ? 'target_reached' : 'next_loop' };
  } else {
    const previous = await passReport(ctx, data.run_id, data.pass - 1);
    const applied = (await ctx.store.loop(data.run_id, data.pass)).apply?.applied.length ?? 0;
    const verdict = validate({ previous, current, loop: data.pass, maxLoops: config.max_loops, targetScore: config.target_score, fixesApplied: applied });
    summary = { score: current.score, passed: current.passed, total: current.total, fixed: verdict.fixed, regressed: verdict.regressed, decision: verdict.decision };
  }
  await ctx.store.saveLoop(data.run_id, data.pass, { pass: summary });
  await ctx.store.stageEnded(data.run_id, data.pass, 'score');
  ctx.logger.info({ run_id: data.run_id, pass: data.pass, score: summary.score, decision: summary.decision }, 'scoring pass done');
  if (summary.decision !== 'next_loop') await ctx.store.finish(data.run_id, summary.decision, summary.score >= config.target_score);
  return { ...summary };
}

async function finishWith(ctx: StageContext, run: RunRecord, decision: LoopDecision, score: number): Promise<JobOutcome> {
  await ctx.store.finish(run.run_id, decision, score >= run.config.target_score);
  return { decision };
}

/** Planner: after a pass that asks for another loop, proposes the fixes of that loop in one model call. */
export async function planJob(ctx: StageContext, data: PassJobData): Promise<JobOutcome> {
  const run = await activeRun(ctx, data.run_id);
  if (!run) return { skipped: 'run is not active' };
  const closed = (await ctx.store.loop(data.run_id, data.pass)).pass;
  if (!closed) throw new Error(`pass ${data.pass} of run ${data.run_id} has no summary`);
  if (closed.decision !== 'next_loop') return finishWith(ctx, run, closed.decision, closed.score);

  const loop = data.pass + 1;
  await ctx.store.markRunning(data.run_id, loop);
  let planned = (await ctx.store.loop(data.run_id, loop)).plan;
  if (!planned) {
    await ctx.store.stageStarted(data.run_id, loop, 'plan');
    const warehouse = ctx.workspace.warehouse(run.config.warehouse_id);
    const space = parseSerializedSpace((await ctx.workspace.spaces.get(run.config.space_id)).serialized_space);
    const result = await plan(
      { model: ctx.workspace.model(run.config.llm_endpoint), logger: ctx.logger },
      {
        space,
        tableSchemas: await describeSpaceTables(warehouse, space, ctx.logger),
        failures: plannableFailures(await passReport(ctx, data.run_id, data.pass)),
        benchmark: await ctx.store.questions(data.run_id),
        ...(ctx.promptsDir ? { promptsDir: ctx.promptsDir } : {}),
      },
    );
    planned = { proposed: result.fixes, rejected: result.rejected, model: result.model, ...(result.analysis ? { analysis: result.analysis } : {}) };
    await ctx.store.saveLoop(data.run_id, loop, { plan: planned });
    await ctx.store.stageEnded(data.run_id, loop, 'plan');
  }
  ctx.logger.info({ run_id: data.run_id, loop, proposed: planned.proposed.length, rejected: planned.rejected.length }, 'plan done');
  if (planned.proposed.length === 0) return finishWith(ctx, run, 'no_fixes', closed.score);
  await ctx.enqueue.apply({ run_id: data.run_id, loop });
  return { loop, proposed: planned.proposed.length };
}

/** Applier: all fixes of a loop in ONE space update (metric views through SQL first), then the re-scoring pass. */
export async function applyJob(ctx: StageContext, data: ApplyJobData): Promise<JobOutcome> {
  const run = await activeRun(ctx, data.run_id);
  if (!run) return { skipped: 'run is not active' };
  const state = await ctx.store.loop(data.run_id, data.loop);
  if (!state.plan) throw new Error(`loop ${data.loop} of run ${data.run_id} has no plan`);
  // a retried job must not update the space twice
  let applied = state.apply;
  if (!applied) {
    await ctx.store.stageStarted(data.run_id, data.loop, 'apply');
    const result = await applyFixes(
      { spaces: ctx.workspace.spaces, warehouse: ctx.workspace.warehouse(run.config.warehouse_id), logger: ctx.logger },
      { spaceId: run.config.space_id, fixes: state.plan.proposed },
    );
    applied = { applied: result.applied, skipped: result.skipped, metric_views_created: result.metric_views_created };
    await ctx.store.saveLoop(data.run_id, data.loop, { apply: applied, backup: result.backup_serialized_space });
    await ctx.store.stageEnded(data.run_id, data.loop, 'apply');
  }
  ctx.logger.info({ run_id: data.run_id, loop: data.loop, applied: applied.applied.length, skipped: applied.skipped.length }, 'apply done');
  if (applied.applied.length === 0) {
    const previous = (await ctx.store.loop(data.run_id, data.loop - 1)).pass;
    return finishWith(ctx, run, 'no_fixes', previous?.score ?? 0);
  }
  await ctx.enqueue.scoringPass(data.run_id, data.loop, run.question_count);
  return { loop: data.loop, applied: applied.applied.length };
}
