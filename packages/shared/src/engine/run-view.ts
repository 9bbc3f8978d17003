import type { FixKind, LoopDecision } from '../schemas/index.ts';
import { countByKind } from '../stages/fix-count.ts';
import { acceptedPass } from './run-engine.ts';
import type { LoopRecord, PassRecord, RunState } from './run-state.ts';

/** One loop as users see it (CLI table, API): the scores around it, its fixes, its decision. */
export interface LoopView {
  loop: number;
  score_before: number | null;
  /** null when the loop stopped before re-scoring (baseline, or no fix to apply) */
  score_after: number | null;
  passed: number | null;
  total: number | null;
  holdout_after: number | null;
  /** the gate's verdict on the loop's change; null for the baseline or a loop that stopped before re-scoring */
  kept: boolean | null;
  rolled_back: boolean;
  gate_reasons: string[];
  fixes_proposed: number;
  fixes_applied: number;
  fixes_rejected: number;
  fixes_by_kind: Record<FixKind, number>;
  fixed: string[];
  regressed: string[];
  /** each applied fix with the questions it targeted and, of those, the ones the loop fixed */
  changes: { kind: FixKind; rationale: string; targets: string[]; fixed: string[] }[];
  decision: LoopDecision | null;
}

/** A run's outcome so far, the same for both drivers. */
export interface RunView {
  run_id: string;
  status: RunState['status'];
  loop: number;
  initial_score: number | null;
  /** the train score of the configuration the run ends with (the last accepted one) */
  final_score: number | null;
  initial_holdout: number | null;
  final_holdout: number | null;
  holdout_count: number;
  /** benchmark questions left out of every score, with why */
  excluded: { question_id: string; reasons: string[] }[];
  target_reached: boolean;
  decision: LoopDecision | null;
  error: string | null;
  scores: { loop: number; score: number; passed: number; total: number; holdout: number | null; kept: boolean | null }[];
  loops: LoopView[];
}

function loopView(loop: LoopRecord, previous: PassRecord | undefined): LoopView {
  const applied = loop.apply?.applied ?? [];
  const before = loop.loop === 0 ? loop.pass : previous;
  return {
    loop: loop.loop,
    score_before: before?.score ?? null,
    score_after: loop.loop === 0 ? null : loop.pass?.score ?? null,
    passed: loop.pass?.passed ?? null,
    total: loop.pass?.total ?? null,
    holdout_after: loop.pass?.holdout?.score ?? null,
    kept: loop.gate ? loop.gate.accepted : null,
    rolled_back: loop.rolled_back ?? false,
    gate_reasons: loop.gate?.reasons ?? [],
    fixes_proposed: loop.plan?.proposed.length ?? 0,
    fixes_applied: applied.length,
    fixes_rejected: (loop.plan?.rejected.length ?? 0) + (loop.apply?.skipped.length ?? 0),
    fixes_by_kind: countByKind(applied),
    fixed: loop.gate?.fixed ?? loop.pass?.fixed ?? [],
    regressed: loop.gate?.regressed ?? loop.pass?.regressed ?? [],
    changes: applied.map((fix) => {
      const fixed = new Set(loop.gate?.fixed ?? loop.pass?.fixed ?? []);
      return { kind: fix.kind, rationale: fix.rationale, targets: fix.targets ?? [], fixed: (fix.targets ?? []).filter((id) => fixed.has(id)) };
    }),
    decision: loop.decision ?? null,
  };
}

/** The view of a run's state shown by the CLI summary and the API. */
export function runView(state: RunState): RunView {
  const sorted = [...state.loops].sort((a, b) => a.loop - b.loop);
  const passes = sorted.flatMap((l) => (l.pass ? [l.pass] : []));
  const kept = acceptedPass(state);
  // a loop is compared with the configuration in place before it: the pass its gate compared with
  const reference = (l: LoopRecord) => passes.find((p) => p.pass === (l.gate?.compared_with_pass ?? l.loop - 1));
  return {
    run_id: state.run_id,
    status: state.status,
    loop: state.loop,
    initial_score: passes[0]?.score ?? null,
    final_score: kept?.score ?? null,
    initial_holdout: passes[0]?.holdout?.score ?? null,
    final_holdout: kept?.holdout?.score ?? null,
    holdout_count: state.holdout_ids.length,
    excluded: state.excluded ?? [],
    target_reached: state.target_reached ?? false,
    decision: state.decision ?? null,
    error: state.error ?? null,
    scores: passes.map((p) => ({ loop: p.pass, score: p.score, passed: p.passed, total: p.total, holdout: p.holdout?.score ?? null, kept: sorted.find((l) => l.loop === p.pass)?.gate?.accepted ?? (p.pass === 0 ? true : null) })),
    loops: sorted.filter((l) => l.pass || l.plan || l.apply || l.decision).map((l) => loopView(l, reference(l))),
  };
}
