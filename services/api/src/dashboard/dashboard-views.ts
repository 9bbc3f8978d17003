import type { RunStore } from '@genie-enhancer/queue-runtime';

/** What the dashboard's views read: the run store, or the Delta history tables once Redis forgot the run. */
export type DashboardSource = Pick<RunStore, 'state' | 'timings' | 'passResults' | 'snapshots'>;

/** GET /runs/:id/progress: the current stage, and for a scoring pass the answers in so far out of all it needs. */
export async function runProgress(store: DashboardSource, runId: string) {
  const state = await store.state(runId);
  if (!state) return undefined;
  const stage = state.phase;
  const timing = (await store.timings(runId)).filter((t) => t.loop === state.loop && !t.ended_at).at(-1);
  const startedAt = timing?.started_at ?? null;
  if (stage !== 'score') return { run_id: runId, status: state.status, loop: state.loop, stage, done: null, total: null, started_at: startedAt, eta_seconds: null };
  const total = (state.question_count - (state.excluded?.length ?? 0)) * state.config.repeats;
  const done = Math.min((await store.passResults(runId, state.loop)).size, total);
  // a linear estimate from the pass so far; none before the first answer
  const elapsed = startedAt ? (Date.now() - Date.parse(startedAt)) / 1000 : null;
  const eta = elapsed !== null && done > 0 ? Math.round((elapsed / done) * (total - done)) : null;
  return { run_id: runId, status: state.status, loop: state.loop, stage, done, total, started_at: startedAt, eta_seconds: eta };
}

/** GET /runs/:id/passes: each scoring pass with its 95 % intervals, and whether its loop was kept or rolled back. */
export async function runPasses(store: DashboardSource, runId: string) {
  const state = await store.state(runId);
  if (!state) return undefined;
  const passes = [...state.loops].sort((a, b) => a.loop - b.loop).flatMap((l) => (l.pass ? [{
    pass: l.pass.pass,
    score: l.pass.score,
    interval: l.pass.interval,
    passed: l.pass.passed,
    total: l.pass.total,
    holdout: l.pass.holdout ? { score: l.pass.holdout.score, interval: l.pass.holdout.interval, passed: l.pass.holdout.passed, total: l.pass.holdout.total } : null,
    kept: l.loop === 0 ? true : l.gate?.accepted ?? null,
    rolled_back: l.rolled_back ?? false,
    gate_reasons: l.gate?.reasons ?? [],
  }] : []));
  return { run_id: runId, accepted_pass: state.accepted_pass, passes };
}

/**
 * GET /runs/:id/snapshots: serialized_space as the run found it (loop 0) and as each loop's update left it, for a
 * diff between any two. Loop k's backup is the configuration before its update; the first one is the space before the run.
 */
export async function runSnapshots(store: DashboardSource, runId: string) {
  const state = await store.state(runId);
  if (!state) return undefined;
  const { backups, snapshots } = await store.snapshots(runId);
  const firstBackup = Object.keys(backups).map(Number).sort((a, b) => a - b)[0];
  const list: { loop: number; label: string; serialized_space: string }[] = [];
  if (firstBackup !== undefined) list.push({ loop: 0, label: 'before the run', serialized_space: backups[firstBackup] });
  for (const loop of Object.keys(snapshots).map(Number).sort((a, b) => a - b)) {
    const record = state.loops.find((l) => l.loop === loop);
    const label = `after loop ${loop}${record?.rolled_back ? ' (rolled back)' : record?.gate?.accepted === false ? ' (not kept)' : ''}`;
    list.push({ loop, label, serialized_space: snapshots[loop] });
  }
  return { run_id: runId, snapshots: list };
}
