import { z } from 'zod';
import { BenchmarkQuestions } from './benchmark.schema.ts';
import { Lever } from './fix.schema.ts';

/** What a user asks for when starting an enhancement run (CLI flags or POST /runs body). */
export const RunConfig = z.strictObject({
  space_id: z.string().min(1, 'space_id is required'),
  warehouse_id: z.string().min(1, 'warehouse_id is required'),
  target_score: z.number().gt(0).max(1).default(0.9),
  max_loops: z.number().int().min(1).max(20).default(3),
  genie_concurrency: z.number().int().min(1).max(20).default(3),
  /** false = ask questions one at a time (--no-batch) */
  batch: z.boolean().default(true),
  llm_endpoint: z.string().min(1).default('databricks-claude-sonnet-4'),
  /** seconds to wait for one Genie answer before calling it a timeout */
  question_timeout_s: z.number().positive().max(1800).default(300),
  /** at the end, write the best kept configuration to the original space (else the run awaits review) */
  auto_promote: z.boolean().default(false),
  /** change the original space directly instead of a staging copy */
  in_place: z.boolean().default(false),
  /** score and plan only: print the proposed fixes and the change to serialized_space, write nothing */
  dry_run: z.boolean().default(false),
  /** share of the questions held out from the planner; default 0.3 with 10 or more questions, else 0 */
  holdout: z.number().min(0).max(0.9).optional(),
  /** seed of the held-out split (default: the run id), so a split can be reproduced */
  split_seed: z.string().min(1).max(200).optional(),
  /** a loop's change is kept despite this many hard regressions (questions that passed and now fail) */
  allow_regressions: z.number().int().min(0).max(1000).default(0),
  /** each question is asked this many times per pass, in fresh conversations; its score is its pass fraction */
  repeats: z.number().int().min(1).max(10).default(1),
  /** significance level of the gate's sign test when questions are repeated */
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  /** the fix kinds the planner may use (default: every lever); e.g. the classic four to leave joins and snippets out */
  levers: z.array(Lever).min(1, 'give at least one lever').optional(),
  /** compare = our result comparison (default); native = Genie's eval-runs API; both = ours, plus native agreement */
  scorer: z.enum(['compare', 'native', 'both']).optional(),
});
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;

export const RunBenchmark = BenchmarkQuestions;

/** POST /runs: a run config plus exactly one benchmark source. */
export const RunRequest = RunConfig.extend({
  /** the benchmark inline */
  questions: BenchmarkQuestions.optional(),
  /** a benchmark file shipped under benchmarks/, without .json */
  benchmark_name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').optional(),
  /** the space's own serialized_space.benchmarks */
  space_benchmarks: z.literal(true).optional(),
}).superRefine((body, ctx) => {
  const sources = [body.questions, body.benchmark_name, body.space_benchmarks].filter((s) => s !== undefined).length;
  if (sources !== 1) {
    ctx.addIssue({ code: 'custom', path: ['questions'], message: 'give exactly one of questions, benchmark_name or space_benchmarks' });
  }
});
export type RunRequest = z.infer<typeof RunRequest>;
