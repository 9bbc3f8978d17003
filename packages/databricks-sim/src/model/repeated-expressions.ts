/**
 * Knowledge only several failures reveal together: a computed dimension (a GROUP BY over an expression, not a
 * column) that more than one failing question's expected SQL groups by, by the same words, and that Genie's SQL never
 * computed. It becomes an expression snippet named by those words, so Genie can group by it whenever they are asked.
 */
import type { Fix, SerializedSpace } from '@genie-enhancer/shared';
import { joinLines } from '@genie-enhancer/shared';
import { parseQuestion } from '../genie/question.ts';
import { aggregatesIn, columnRef, parseSqlShape, stripQualifiers } from './sql-shape.ts';
import type { Failure } from './failure-analysis.ts';

/** Expression text compared across queries: qualifiers gone, lower case, no whitespace. */
const canonical = (expr: string): string => expr.toLowerCase().replace(/\s+/g, '');

/** The non-column GROUP BY expressions of a query, each paired with the question's phrase for it when unambiguous. */
function computedDimension(failure: Failure): { sql: string; words: string[] } | undefined {
  const shape = parseSqlShape(failure.expected_sql);
  const computed = shape.groupBy.map((g) => stripQualifiers(g, shape).trim()).filter((g) => !columnRef(g, shape) && !/^\d+$/.test(g) && aggregatesIn(g).length === 0 && /[a-z_]\w*/i.test(g));
  const phrases = parseQuestion(failure.question).groupPhrases.filter((p) => p.length > 0);
  // one computed dimension and one grouping phrase: the phrase names it; anything else is not claimed
  if (computed.length !== 1 || phrases.length !== 1 || shape.groupBy.length !== 1) return undefined;
  const genie = failure.genie_sql ? parseSqlShape(failure.genie_sql) : undefined;
  const produced = genie ? canonical(stripQualifiers(failure.genie_sql!, genie)) : '';
  if (produced.includes(canonical(computed[0]))) return undefined;
  return { sql: computed[0], words: phrases[0] };
}

/** Expression snippets for computed dimensions that at least two failures group by under the same name. */
export function repeatedDimensionSnippets(failures: readonly Failure[], space: SerializedSpace, already: readonly Fix[]): Fix[] {
  const seen = new Map<string, { sql: string; name: string; questions: string[] }>();
  for (const failure of failures) {
    if (typeof failure?.question !== 'string' || typeof failure.expected_sql !== 'string') continue;
    const dimension = computedDimension(failure);
    if (!dimension) continue;
    const name = dimension.words.join(' ');
    const key = `${canonical(dimension.sql)}|${name}`;
    const entry = seen.get(key) ?? { sql: dimension.sql, name, questions: [] };
    entry.questions.push(failure.question_id ?? failure.question);
    seen.set(key, entry);
  }
  const existing = space.instructions?.sql_snippets?.expressions ?? [];
  const out: Fix[] = [];
  for (const { sql, name, questions } of seen.values()) {
    const alias = name.replace(/\s+/g, '_');
    if (questions.length < 2 || !/^[a-z_]\w*$/.test(alias)) continue;
    const taken = (a: string, s: string) => a === alias || canonical(s) === canonical(sql);
    if (existing.some((e) => taken(e.alias ?? '', joinLines(e.sql))) || [...already, ...out].some((f) => f.kind === 'sql_snippet' && taken(f.alias, f.sql))) continue;
    out.push({
      kind: 'sql_snippet', snippet_type: 'expression', alias, display_name: name.charAt(0).toUpperCase() + name.slice(1), sql, synonyms: [name],
      rationale: `${questions.length} questions group by "${name}", a dimension computed as ${sql} that no column holds.`,
      ...(failures.every((f) => typeof f?.question_id === 'string') ? { targets: questions } : {}),
    });
  }
  return out;
}
