import type { FixKind, LoopDecision } from '../schemas/index.ts';
import { countByKind } from '../stages/fix-count.ts';
import { lastPass } from './run-engine.ts';
import type { LoopRecord, RunState } from './run-state.ts';

/** One loop as users see it (CLI table, API): the scores around it, its fixes, its decision. */
export interface LoopView {
  loop: number;
  score_before: number | null;
  /** null when the loop stopped before re-scoring (baseline, or no fix to apply) */
  score_after: number | null;
  passed: number | null;
  total: number | null;
  fixes_proposed: number;
  fixes_applied: number;
  fixes_rejected: number;
  fixes_by_kind: Record<FixKind, number>;
  fixed: string[];
  regressed: string[];
  decision: LoopDecision | null;
}

/** A run's outcome so far, the same for both drivers. */
export interface RunView {
  run_id: string;
  status: RunState['status'];
  loop: number;
  initial_score: number | null;
  final_score: number | null;
  target_reached: boolean;
  decision: LoopDecision | null;
  error: string | null;
  scores: { loop: number; score: number; passed: number; total: number }[];
  loops: LoopView[];
}

function loopView(loop: LoopRecord, previous: LoopRecord | undefined): LoopView {
  const applied = loop.apply?.applied ?? [];
  const before = loop.loop === 0 ? loop.pass : previous?.pass;
  return {
    loop: loop.loop,
    score_before: before?.score ?? null,
    score_after: loop.loop === 0 ? null : loop.pass?.score ?? null,
    passed: loop.pass?.passed ?? null,
    total: loop.pass?.total ?? null,
    fixes_proposed: loop.plan?.proposed.length ?? 0,
    fixes_applied: applied.length,
    fixes_rejected: (loop.plan?.rejected.length ?? 0) + (loop.apply?.skipped.length ?? 0),
    fixes_by_kind: countByKind(applied),
    fixed: loop.pass?.fixed ?? [],
    regressed: loop.pass?.regressed ?? [],
    decision: loop.decision ?? null,
  };
}

/** The view of a run's state shown by the CLI summary and the API. */
export function runView(state: RunState): RunView {
  const sorted = [...state.loops].sort((a, b) => a.loop - b.loop);
  const passes = sorted.flatMap((l) => (l.pass ? [l.pass] : []));
  return {
    run_id: state.run_id,
    status: state.status,
    loop: state.loop,
    initial_score: passes[0]?.score ?? null,
    final_score: lastPass(state)?.score ?? null,
    target_reached: state.target_reached ?? false,
    decision: state.decision ?? null,
    error: state.error ?? null,
    scores: passes.map((p) => ({ loop: p.pass, score: p.score, passed: p.passed, total: p.total })),
    loops: sorted.filter((l) => l.pass || l.plan || l.apply || l.decision).map((l, i, all) => loopView(l, all[i - 1])),
  };
}
