import { z } from 'zod';
import { Fix } from './fix.schema.ts';

export const Verdict = z.enum(['pass', 'fail', 'error', 'timeout']);
export type Verdict = z.infer<typeof Verdict>;

/**
 * Deterministic reason codes, after Genie's own benchmark verdicts.
 * BENCHMARK_* codes mean the benchmark itself is broken, not Genie.
 */
export const ReasonCode = z.enum([
  'MATCH',
  'NO_SQL',
  'EMPTY_RESULT',
  'RESULT_MISSING_ROWS',
  'RESULT_EXTRA_ROWS',
  'RESULT_MISSING_COLUMNS',
  'RESULT_EXTRA_COLUMNS',
  'SINGLE_CELL_DIFFERENCE',
  'VALUE_DIFFERENCE',
  'ROW_ORDER_DIFFERENCE',
  'COLUMN_TYPE_DIFFERENCE',
  'GENIE_SQL_ERROR',
  'GENIE_FAILED',
  'GENIE_TIMEOUT',
  'EMPTY_GOOD_SQL',
  'BENCHMARK_SQL_ERROR',
  'INTERNAL_ERROR',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** One benchmark question's outcome in one scoring pass. */
export const QuestionResult = z.object({
  question_id: z.string(),
  question: z.string(),
  verdict: Verdict,
  reason_code: ReasonCode,
  reason: z.string(),
  expected_sql: z.string(),
  genie_sql: z.string().optional(),
  genie_text: z.string().optional(),
  conversation_id: z.string().optional(),
  message_id: z.string().optional(),
  duration_ms: z.number().nonnegative(),
  /** which of the run's repeats of the question this is, 0-based (each in a fresh conversation) */
  repeat: z.number().int().nonnegative().optional(),
});
export type QuestionResult = z.infer<typeof QuestionResult>;

/** The outcome of scoring every benchmark question once. */
export const ScoreReport = z.object({
  score: z.number().min(0).max(1),
  passed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  results: z.array(QuestionResult),
});
export type ScoreReport = z.infer<typeof ScoreReport>;

export const RejectedFix = z.object({ fix: z.unknown(), reason: z.string() });
export type RejectedFix = z.infer<typeof RejectedFix>;

export const PlanResult = z.object({
  fixes: z.array(Fix),
  rejected: z.array(RejectedFix),
  analysis: z.string().optional(),
  model: z.string(),
  attempts: z.number().int().positive(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional(),
});
export type PlanResult = z.infer<typeof PlanResult>;

export const ApplyResult = z.object({
  applied: z.array(Fix),
  skipped: z.array(RejectedFix),
  metric_views_created: z.array(z.string()),
  /** SQL functions the update created (not those the space already listed); a rollback drops them */
  sql_functions_created: z.array(z.string()).optional(),
  /** serialized_space before the update, byte for byte, for rollback */
  backup_serialized_space: z.string(),
  serialized_space: z.string(),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

/**
 * What a pass led to. `rolled_back`: the loop's change failed the gate and was undone; `rollback_limit`: three
 * loops in a row were rolled back; `no_progress` is kept for runs stored before the gate existed.
 */
export const LoopDecision = z.enum(['target_reached', 'next_loop', 'no_progress', 'max_loops', 'no_fixes', 'rolled_back', 'rollback_limit', 'dry_run']);
export type LoopDecision = z.infer<typeof LoopDecision>;
