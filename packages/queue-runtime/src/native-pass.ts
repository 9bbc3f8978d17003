import { agreementOf, scoreNative, type Agreement, type BenchmarkQuestion, type QuestionResult, type RunState } from '@genie-enhancer/shared';
import type { StageContext } from './stage-jobs.ts';

/** The space a run scores: its staging copy, or the original in place. */
const workSpace = (state: RunState): string => state.work_space_id ?? state.config.space_id;

/** Genie's own evaluation of the pass (one eval run over the questions that the space's benchmarks hold). */
function evaluate(ctx: StageContext, state: RunState, asked: readonly BenchmarkQuestion[]) {
  return scoreNative(
    { evalRuns: ctx.workspace.evalRuns, spaces: ctx.workspace.spaces, logger: ctx.logger.child({ run_id: state.run_id }) },
    { spaceId: workSpace(state), questions: asked, timeoutMs: state.config.question_timeout_s * 1000 * Math.max(1, asked.length), ...(ctx.evalPollMs ? { pollMs: ctx.evalPollMs } : {}) },
  );
}

/**
 * `scorer: native`: the pass is scored by one eval run, and one result per question (asked once: repeats do not
 * apply) is stored as the question jobs would have. A retry after the results were stored reuses them.
 */
export async function nativePassResults(ctx: StageContext, state: RunState, pass: number, asked: readonly BenchmarkQuestion[]): Promise<QuestionResult[]> {
  const saved = await ctx.store.passResults(state.run_id, pass);
  if (asked.every((q) => saved.has(q.id))) return asked.map((q) => saved.get(q.id)!);
  const { report } = await evaluate(ctx, state, asked);
  await Promise.all(report.results.map((r) => ctx.store.saveResult(state.run_id, pass, r, state.holdout_ids.includes(r.question_id) ? 'holdout' : 'train')));
  return report.results;
}

/** `scorer: both`: our comparison's results of the pass beside Genie's evaluation of it, stored for GET /runs/:id. */
export async function recordAgreement(ctx: StageContext, state: RunState, pass: number, asked: readonly BenchmarkQuestion[], ours: readonly QuestionResult[]): Promise<Agreement> {
  const agreement = agreementOf(ours, (await evaluate(ctx, state, asked)).native);
  await ctx.store.saveAgreement(state.run_id, pass, agreement);
  ctx.logger.info({ run_id: state.run_id, pass, agreement: agreement.agreement, differing: agreement.differing.length }, "our comparison and Genie's evaluation compared");
  return agreement;
}
