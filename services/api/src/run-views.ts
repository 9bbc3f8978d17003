import { countByKind, type LoopState, type RunStore } from '@genie-enhancer/shared';

/** Loop k as the API shows it: the scores around it, the fixes it applied, the decision it led to. */
function loopView(loop: LoopState, previous: LoopState | undefined) {
  const applied = loop.apply?.applied ?? [];
  return {
    loop: loop.loop,
    score_before: loop.loop === 0 ? loop.pass?.score ?? null : previous?.pass?.score ?? null,
    score_after: loop.loop === 0 ? null : loop.pass?.score ?? null,
    passed: loop.pass?.passed ?? null,
    total: loop.pass?.total ?? null,
    fixes_proposed: loop.plan?.proposed.length ?? 0,
    fixes_applied: applied.length,
    fixes_rejected: (loop.plan?.rejected.length ?? 0) + (loop.apply?.skipped.length ?? 0),
    fixes_by_kind: countByKind(applied),
    fixed: loop.pass?.fixed ?? [],
    regressed: loop.pass?.regressed ?? [],
    decision: loop.pass?.decision ?? null,
  };
}

/** GET /runs/:id: status, current loop, score per loop and per scoring pass, stage timings. */
export async function runDetail(store: RunStore, runId: string) {
  const run = await store.get(runId);
  if (!run) return undefined;
  const [loops, timings] = await Promise.all([store.loops(runId), store.timings(runId)]);
  return {
    ...run,
    scores: loops.filter((l) => l.pass).map((l) => ({ loop: l.loop, score: l.pass!.score, passed: l.pass!.passed, total: l.pass!.total })),
    loops: loops.map((l, i) => loopView(l, loops[i - 1])),
    timings,
  };
}

/** GET /runs/:id/questions: every question's outcome in every scoring pass. */
export async function runQuestions(store: RunStore, runId: string) {
  const run = await store.get(runId);
  if (!run) return undefined;
  const questions = await store.questions(runId);
  const loops = [];
  for (let pass = 0; pass <= run.loop; pass++) {
    const results = await store.passResults(runId, pass);
    if (results.size === 0) continue;
    loops.push({ loop: pass, results: questions.flatMap((q) => (results.has(q.id) ? [results.get(q.id)!] : [])) });
  }
  return { run_id: runId, question_count: questions.length, loops };
}

/** GET /runs/:id/fixes: per loop, what the planner proposed and rejected and what the applier applied or skipped. */
export async function runFixes(store: RunStore, runId: string) {
  if (!(await store.get(runId))) return undefined;
  const loops = (await store.loops(runId)).filter((l) => l.plan);
  return {
    run_id: runId,
    loops: loops.map((l) => ({
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
