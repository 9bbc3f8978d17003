import { z } from 'zod';
import { assertReadOnlyQuery } from '../sql-guard/index.ts';
import { refuseUnsafeExpectedSql } from './benchmark-sql.refine.ts';
import { joinLines, type SerializedSpace } from './serialized-space.schema.ts';

export const MAX_BENCHMARK_QUESTIONS = 1_000;

/** A question's fields and caps without the read-only check, for the benchmark check that reports it itself. */
export const BenchmarkQuestionShape = z.strictObject({
  id: z.string().min(1, 'id must not be empty').max(200),
  question: z.string().min(1, 'question must not be empty').max(2_000),
  expected_sql: z.string().min(1, 'expected_sql must not be empty').max(20_000),
  tags: z.array(z.string().max(200)).max(50).optional(),
});
export const BenchmarkQuestion = BenchmarkQuestionShape.superRefine(refuseUnsafeExpectedSql);
export type BenchmarkQuestion = z.infer<typeof BenchmarkQuestion>;

/** At least one question, ids unique (results are keyed by id). */
export const BenchmarkQuestions = z
  .array(BenchmarkQuestion)
  .min(1, 'a benchmark needs at least one question')
  .max(MAX_BENCHMARK_QUESTIONS, `a benchmark holds at most ${MAX_BENCHMARK_QUESTIONS} questions`)
  .superRefine((questions, ctx) => {
    const seen = new Set<string>();
    questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${q.id}"` });
      seen.add(q.id);
    });
  });

export const BenchmarkFile = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  questions: BenchmarkQuestions,
});
export type BenchmarkFile = z.infer<typeof BenchmarkFile>;

/** Benchmark questions held in the space's own `benchmarks` section (those with a SQL answer). */
export function benchmarkFromSpace(space: SerializedSpace): BenchmarkQuestion[] {
  return (space.benchmarks?.questions ?? []).flatMap((q) => {
    const answer = q.answer?.find((a) => a.format.toUpperCase() === 'SQL');
    if (!answer) return [];
    assertReadOnlyQuery(joinLines(answer.content), `benchmarks question "${q.id}" expected_sql`);
    return [{ id: q.id, question: joinLines(q.question), expected_sql: joinLines(answer.content) }];
  });
}
