/** How an expected SQL compares two years, read from its shape (the simulated planner's side of period-change.ts). */
import type { PeriodChange } from '../genie/period-change.ts';

/** `SUM(CASE WHEN year(d) = 2024 THEN x END)` and the like: an aggregate over the rows of one year. */
const YEAR_AGGREGATE = /\b(?:sum|avg|count|min|max)\s*\(\s*case\s+when\b((?:(?!\bend\b).)*?)\bend\s*\)/gi;

/**
 * The change a select item computes when it combines one aggregate per year of two: B - A (absolute), (B - A) / A
 * (relative) or B / A (ratio), with A the earlier year. Anything else is no known change.
 */
export function periodChangeOf(selectItem: string): PeriodChange | undefined {
  const years: number[] = [];
  const skeleton = selectItem.replace(/\s+/g, ' ').replace(YEAR_AGGREGATE, (all, condition: string) => {
    const year = /\b(?:19|20)\d\d\b/.exec(condition);
    if (!year) return all;
    years.push(Number(year[0]));
    return `Y${year[0]}`;
  });
  const distinct = [...new Set(years)].sort((a, b) => a - b);
  if (distinct.length !== 2) return undefined;
  const [a, b] = distinct.map((y) => `Y${y}`);
  let text = skeleton.replace(/\s+/g, '');
  while (/^\(.*\)$/.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1);
  const forms: [PeriodChange, string[]][] = [
    ['relative', [`(${b}-${a})/${a}`, `${b}/${a}-1`]],
    ['absolute', [`${b}-${a}`]],
    ['ratio', [`${b}/${a}`]],
  ];
  return forms.find(([, shapes]) => shapes.includes(text))?.[0];
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}
