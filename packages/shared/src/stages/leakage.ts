import type { BenchmarkQuestion, Fix, RejectedFix } from '../schemas/index.ts';
import { rejectWhere } from './fix-filters.ts';
import { normaliseQuestion, normaliseSql, normaliseSqlText, questionTemplate, sqlTemplate } from './sql-normalise.ts';

/** Texts of a fix that end up in the space as prose (instructions, descriptions, comments, guidance). */
function proseOf(fix: Fix): string[] {
  switch (fix.kind) {
    case 'text_instruction':
      return [fix.content];
    case 'metadata':
      return fix.description ? [fix.description] : [];
    case 'example_sql':
      return fix.usage_guidance ? [fix.usage_guidance] : [];
    case 'metric_view':
      return [...fix.dimensions, ...fix.measures].flatMap((d) => (d.comment ? [d.comment] : []));
    case 'sql_snippet':
      return [fix.display_name, ...(fix.instruction ? [fix.instruction] : []), ...(fix.synonyms ?? [])];
    case 'sql_function':
      return fix.comment ? [fix.comment] : [];
    case 'join_spec':
      return [];
  }
}

/**
 * Why a fix would copy the benchmark into the space, or undefined when it does not. A leaked fix raises the score
 * without improving the space, so it must never be applied. An example that is a benchmark item with its literals
 * changed (another year, value or limit) counts as a copy.
 */
export function findLeak(fix: Fix, benchmark: readonly BenchmarkQuestion[]): string | undefined {
  for (const b of benchmark) {
    if (fix.kind === 'example_sql') {
      if (normaliseSql(fix.sql) === normaliseSql(b.expected_sql)) return `example SQL equals the expected SQL of benchmark question ${b.id}`;
      if (normaliseQuestion(fix.question) === normaliseQuestion(b.question)) return `example question equals benchmark question ${b.id}`;
      // a near copy teaches the answer as surely as the copy: the same statement or question with other values
      if (sqlTemplate(fix.sql) === sqlTemplate(b.expected_sql)) return `example SQL is the expected SQL of benchmark question ${b.id} with other values`;
      if (questionTemplate(fix.question) === questionTemplate(b.question)) return `example question is benchmark question ${b.id} with other values`;
    }
    const question = normaliseQuestion(b.question);
    const sql = normaliseSqlText(b.expected_sql);
    for (const text of proseOf(fix)) {
      if (question && ` ${normaliseQuestion(text)} `.includes(` ${question} `)) return `${fix.kind} text contains benchmark question ${b.id}`;
      if (sql && normaliseSqlText(text).includes(sql)) return `${fix.kind} text contains the expected SQL of benchmark question ${b.id}`;
    }
  }
  return undefined;
}

/** Splits fixes into those free of benchmark text and those rejected with the reason. */
export function guardLeakage(fixes: readonly Fix[], benchmark: readonly BenchmarkQuestion[]): { kept: Fix[]; rejected: RejectedFix[] } {
  return rejectWhere(fixes, (fix) => {
    const reason = findLeak(fix, benchmark);
    return reason ? `leakage: ${reason}` : undefined;
  });
}
