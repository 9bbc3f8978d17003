import { runView } from '@genie-enhancer/shared';
import type { RunStore, StoredRun } from '@genie-enhancer/queue-runtime';

/** What the views read: the run store, or the same read side over the history tables (history-views.ts). */
export type RunSource = Pick<RunStore, 'get' | 'state' | 'lastProgress' | 'timings' | 'questions' | 'passResults'> & Partial<Pick<RunStore, 'agreements'>>;

/** A running run that has not moved for `stalledAfterMs` (no transition, no question result): a worker may be dead. */
export async function withStalled(store: RunSource, run: StoredRun, stalledAfterMs: number) {
  const stalled = run.state.status === 'running' && Date.now() - Date.parse(await store.lastProgress(run)) > stalledAfterMs;
  return { ...runSummary(run), stalled };
}

/** A run in lists: who, what, where it stands. */
export function runSummary(run: StoredRun) {
  const { state } = run;
  const view = runView(state);
  return {
    run_id: state.run_id,
    status: state.status,
    phase: state.phase,
    loop: state.loop,
    created_at: run.created_at,
    updated_at: run.updated_at,
    config: state.config,
    benchmark_source: run.benchmark_source,
    question_count: state.question_count,
    ...(state.decision ? { decision: state.decision } : {}),
    ...(state.target_reached !== undefined ? { target_reached: state.target_reached } : {}),
    ...(state.error ? { error: state.error } : {}),
    ...(state.work_space_id && state.work_space_id !== state.config.space_id ? { staging_space_id: state.work_space_id } : {}),
    ...(state.promotion_error ? { promotion_error: state.promotion_error } : {}),
    initial_score: view.initial_score,
    final_score: view.final_score,
    initial_holdout: view.initial_holdout,
    final_holdout: view.final_holdout,
  };
}

/**
 * GET /runs/:id: status, current loop, score per loop and per scoring pass, stage timings; with scorer `both`, how our
 * comparison and Genie's evaluation agreed on each pass (`agreements`, by pass).
 */
export async function runDetail(store: RunSource, runId: string, stalledAfterMs: number) {
  const run = await store.get(runId);
  if (!run) return undefined;
  const { scores, loops, excluded } = runView(run.state);
  const agreements = (await store.agreements?.(runId)) ?? {};
  return {
    ...(await withStalled(store, run, stalledAfterMs)), scores, loops, excluded, timings: await store.timings(runId),
    ...(Object.keys(agreements).length > 0 ? { agreements } : {}),
  };
}

/** GET /runs/:id/questions: every question's outcome in every scoring pass. */
export async function runQuestions(store: RunSource, runId: string) {
  const state = await store.state(runId);
  if (!state) return undefined;
  const questions = await store.questions(runId);
  const loops = [];
  for (let pass = 0; pass <= state.loop; pass++) {
    const results = await store.passResults(runId, pass);
    if (results.size === 0) continue;
    const order = new Map(questions.map((q, i) => [q.id, i]));
    const sorted = [...results.values()].sort((a, b) => (order.get(a.question_id) ?? 0) - (order.get(b.question_id) ?? 0) || (a.repeat ?? 0) - (b.repeat ?? 0));
    loops.push({ loop: pass, results: sorted });
  }
  return { run_id: runId, question_count: questions.length, loops };
}

/** GET /runs/:id/fixes: per loop, what the planner proposed and rejected and what the applier applied or skipped. */
export async function runFixes(store: RunSource, runId: string) {
  const state = await store.state(runId);
  if (!state) return undefined;
  return {
    run_id: runId,
    loops: state.loops.filter((l) => l.plan).map((l) => ({
      loop: l.loop,
      proposed: l.plan!.proposed,
      rejected: l.plan!.rejected,
      applied: l.apply?.applied ?? [],
      skipped: l.apply?.skipped ?? [],
      metric_views_created: l.apply?.metric_views_created ?? [],
      analysis: l.plan!.analysis ?? null,
    })),
  };
}
