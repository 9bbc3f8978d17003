import { expect } from 'vitest';
import { findLeak, joinLines, type BenchmarkQuestion, type SerializedSpace } from '@genie-enhancer/shared';

/**
 * No example in the space may be a benchmark question or its expected SQL, not even with other values (the product's
 * own leakage rule, applied to what the run left in the space).
 */
export function expectNoLeak(space: SerializedSpace, benchmark: BenchmarkQuestion[]) {
  for (const example of space.instructions?.example_question_sqls ?? []) {
    const fix = { kind: 'example_sql' as const, question: joinLines(example.question), sql: joinLines(example.sql), rationale: 'in the space' };
    expect(findLeak(fix, benchmark), `${fix.question}\n${fix.sql}`).toBeUndefined();
  }
}
