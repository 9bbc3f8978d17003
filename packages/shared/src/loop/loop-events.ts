import type { Fix, FixKind, LoopDecision, RejectedFix, ScoreReport } from '../schemas/index.ts';

export type LoopStage = 'score' | 'plan' | 'apply';

/** Progress of a run, for progress bars: every stage of every loop starts, may progress, and ends. */
export type LoopEvent =
  | { type: 'stage_start'; loop: number; stage: LoopStage; total: number }
  | { type: 'stage_progress'; loop: number; stage: LoopStage; done: number; total: number }
  | { type: 'stage_end'; loop: number; stage: LoopStage; summary: string }
  | { type: 'loop_end'; loop: number; score_before: number; score_after?: number; decision: LoopDecision };

/** One loop of a run; loop 0 is the baseline scoring pass. */
export interface LoopRecord {
  loop: number;
  score_before: number;
  /** absent when the loop stopped before re-scoring (baseline, or no fix to apply) */
  score_after?: number;
  fixes_applied: number;
  fixes_rejected: number;
  fixes_by_kind: Record<FixKind, number>;
  applied: Fix[];
  rejected: RejectedFix[];
  fixed: string[];
  regressed: string[];
  decision: LoopDecision;
  /** the scoring pass that ended this loop (the baseline for loop 0) */
  report: ScoreReport;
}

/** The outcome of a whole enhancement run. */
export interface RunSummary {
  run_id: string;
  loops: LoopRecord[];
  initial_score: number;
  final_score: number;
  target_reached: boolean;
  decision: LoopDecision;
  /** each loop's serialized_space before its update, oldest first, for rollback */
  backups: string[];
}

/** Counts fixes per kind, every kind present. */
export function countByKind(fixes: readonly Fix[]): Record<FixKind, number> {
  const counts: Record<FixKind, number> = { metric_view: 0, metadata: 0, example_sql: 0, text_instruction: 0 };
  for (const fix of fixes) counts[fix.kind]++;
  return counts;
}
