import { expect } from 'vitest';
import { joinLines, normaliseQuestion, normaliseSql, type BenchmarkQuestion, type SerializedSpace } from '@genie-enhancer/shared';

/** No example in the space may equal a benchmark question or its expected SQL (after normalising). */
export function expectNoLeak(space: SerializedSpace, benchmark: BenchmarkQuestion[]) {
  const questions = new Set(benchmark.map((q) => normaliseQuestion(q.question)));
  const sqls = new Set(benchmark.map((q) => normaliseSql(q.expected_sql)));
  for (const example of space.instructions?.example_question_sqls ?? []) {
    expect(questions.has(normaliseQuestion(joinLines(example.question))), joinLines(example.question)).toBe(false);
    expect(sqls.has(normaliseSql(joinLines(example.sql))), joinLines(example.sql)).toBe(false);
  }
}
