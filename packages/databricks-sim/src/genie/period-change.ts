/**
 * Questions comparing two periods ("<measure> growth from <year> to <year>"): the generic rules answer the measure of
 * one period, and a text instruction says how two of them combine into a change. Without that rule the question is
 * ambiguous (an absolute difference, a relative change or a ratio), so Genie asks instead of guessing.
 */
import type { ParsedQuestion } from './question.ts';
import type { Resolution } from './resolve.ts';
import { stem } from './text.ts';

export type PeriodChange = 'relative' | 'absolute' | 'ratio';

const FORMULAS: Record<PeriodChange, { name: string; formula: string; combine: (later: string, earlier: string) => string }> = {
  relative: { name: 'relative change', formula: '(value in the later year - value in the earlier year) / value in the earlier year', combine: (b, a) => `(${b} - ${a}) / ${a}` },
  absolute: { name: 'absolute change', formula: 'value in the later year - value in the earlier year', combine: (b, a) => `${b} - ${a}` },
  ratio: { name: 'ratio', formula: 'value in the later year / value in the earlier year', combine: (b, a) => `${b} / ${a}` },
};

/** The instruction sentence that defines how a change between two years is measured (the form Genie reads). */
export function periodChangeInstruction(change: PeriodChange): string {
  return `Growth or change from one year to another is the ${FORMULAS[change].name}: ${FORMULAS[change].formula}.`;
}

/** The kind of change an instruction sentence defines, if it is one. */
export function periodChangeRule(sentence: string): PeriodChange | undefined {
  const m = /^(?:growth|change)\b[^:]*?\bis\s+the\s+(relative change|absolute change|ratio)\b/i.exec(sentence);
  if (!m) return undefined;
  return (Object.keys(FORMULAS) as PeriodChange[]).find((k) => FORMULAS[k].name === m[1].toLowerCase());
}

const CHANGE_WORDS = new Set(['growth', 'grow', 'grew', 'change', 'changed', 'increase', 'increased', 'decrease', 'decreased'].map(stem));

/**
 * The measure of the question in each of its two years, resolved as a question about that year alone, combined as
 * the rule says. A change per group needs more than scalar values: Genie asks for the groups one at a time.
 */
export function answerPeriodChange(parsed: ParsedQuestion, change: PeriodChange, resolve: (year: ParsedQuestion) => Resolution): Resolution {
  const [earlier, later] = [...new Set(parsed.years)].sort((a, b) => a - b);
  const perYear: string[] = [];
  for (const year of [earlier, later]) {
    const single: ParsedQuestion = {
      ...parsed,
      comparison: false,
      years: [year],
      time: { kind: 'year', year },
      tokens: parsed.tokens.filter((w) => !CHANGE_WORDS.has(w)),
      ...(parsed.measurePhrase ? { measurePhrase: parsed.measurePhrase.filter((w) => !CHANGE_WORDS.has(w)) } : {}),
    };
    const result = resolve(single);
    if ('clarify' in result) return result;
    if (/\bGROUP BY\b/i.test(result.sql)) return { clarify: 'A change for each group needs one question per group. Which one do you mean?' };
    perYear.push(`(${result.sql.replace(/\s+/g, ' ')})`);
  }
  const [before, after] = perYear;
  return { sql: `SELECT ${FORMULAS[change].combine(after, before)} AS ${change === 'ratio' ? 'ratio' : 'change'}`, description: `The ${FORMULAS[change].name} from ${earlier} to ${later}` };
}
