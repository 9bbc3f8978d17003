import { expect } from 'vitest';
import { findLeak, joinLines, type BenchmarkQuestion, type Fix, type SerializedSpace } from '@genie-enhancer/shared';

/** What the run left in the space, read back as the fixes that would have put it there. */
function spaceAsFixes(space: SerializedSpace): Fix[] {
  const rationale = 'in the space';
  const examples = (space.instructions?.example_question_sqls ?? []).map((e): Fix => ({ kind: 'example_sql', question: joinLines(e.question), sql: joinLines(e.sql), rationale }));
  const instructions = (space.instructions?.text_instructions ?? []).map((t): Fix => ({ kind: 'text_instruction', content: joinLines(t.content), rationale }));
  const descriptions = (space.data_sources?.tables ?? []).flatMap((t) => [
    ...(t.description ? [{ table: t.identifier, description: joinLines(t.description) }] : []),
    ...(t.column_configs ?? []).flatMap((c) => (c.description ? [{ table: t.identifier, column: c.column_name, description: joinLines(c.description) }] : [])),
  ]).map((d): Fix => ({ kind: 'metadata', ...d, rationale }));
  return [...examples, ...instructions, ...descriptions];
}

/**
 * No example in the space may be a benchmark question or its expected SQL, not even with other values, and no
 * instruction or description may quote one (the product's own leakage rule, applied to what the run left in the space).
 */
export function expectNoLeak(space: SerializedSpace, benchmark: BenchmarkQuestion[]) {
  for (const fix of spaceAsFixes(space)) {
    expect(findLeak(fix, benchmark), JSON.stringify(fix)).toBeUndefined();
  }
}
