import { z } from 'zod';
import { BenchmarkQuestion } from './benchmark.schema.ts';

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
  auto_promote: z.boolean().default(false),
});
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;

export const RunBenchmark = z.array(BenchmarkQuestion).min(1, 'a benchmark needs at least one question');
