import type { LoopDecision, ScoreReport, ValidateResult } from '../schemas/index.ts';

export interface ValidateInput {
  previous: ScoreReport;
  current: ScoreReport;
  /** the loop that just finished, 1-based */
  loop: number;
  maxLoops: number;
  targetScore: number;
  fixesApplied: number;
}

/** Compares two scoring passes question by question and decides whether another loop is worth running. */
export function validate(input: ValidateInput): ValidateResult {
  const before = new Map(input.previous.results.map((r) => [r.question_id, r.verdict]));
  const fixed: string[] = [];
  const regressed: string[] = [];
  for (const r of input.current.results) {
    const was = before.get(r.question_id);
    if (was === undefined) continue;
    if (was !== 'pass' && r.verdict === 'pass') fixed.push(r.question_id);
    if (was === 'pass' && r.verdict !== 'pass') regressed.push(r.question_id);
  }
  return { decision: decide(input), score_before: input.previous.score, score_after: input.current.score, fixed, regressed };
}

function decide(input: ValidateInput): LoopDecision {
  if (input.current.score >= input.targetScore) return 'target_reached';
  if (input.loop >= input.maxLoops) return 'max_loops';
  if (input.fixesApplied === 0) return 'no_fixes';
  if (input.current.score <= input.previous.score) return 'no_progress';
  return 'next_loop';
}
