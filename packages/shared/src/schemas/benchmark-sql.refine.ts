import type { z } from 'zod';
import { readOnlyQueryProblem } from '../sql-guard/index.ts';

/** zod refinement: a question's expected_sql must be one read-only query; the issue's path ends in expected_sql. */
export function refuseUnsafeExpectedSql(question: { id: string; expected_sql: string }, ctx: z.RefinementCtx): void {
  const problem = readOnlyQueryProblem(question.expected_sql);
  if (!problem) return;
  ctx.addIssue({
    code: 'custom',
    path: ['expected_sql'],
    message: `question "${question.id}": expected_sql must be one read-only query (SELECT, WITH … SELECT or VALUES): ${problem}`,
  });
}
