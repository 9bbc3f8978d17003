/**
 * The simulated benchmark evaluation's judge: Genie's result against the ground truth, with the documented
 * deterministic assessment reasons. It matches columns by their values (names and order do not matter), treats
 * numbers equal to 6 significant digits, and leaves extra columns to review (a judge might accept them).
 */
export type Assessment = 'GOOD' | 'BAD' | 'NEEDS_REVIEW';

export interface Judged { assessment: Assessment; reasons: string[] }

type Rows = (string | null)[][];

const cell = (v: string | null) => {
  if (v === null) return '\u0000null';
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? String(Number(n.toPrecision(6))) : v;
};
const column = (rows: Rows, i: number) => rows.map((r) => cell(r[i] ?? null)).sort().join('\u0001');

/** Expected and actual results as JSON_ARRAY rows; `actual` undefined when Genie gave no query or it failed. */
export function assess(expected: Rows, expectedWidth: number, actual: { rows: Rows; width: number } | { error: string } | undefined): Judged {
  if (actual === undefined) return { assessment: 'BAD', reasons: ['NO_SQL_RESPONSE'] };
  if ('error' in actual) return { assessment: 'BAD', reasons: ['QUERY_EXECUTION_ERROR'] };
  if (actual.rows.length === 0 && expected.length > 0) return { assessment: 'BAD', reasons: ['EMPTY_RESULT'] };
  if (actual.rows.length < expected.length) return { assessment: 'BAD', reasons: ['RESULT_MISSING_ROWS'] };
  if (actual.rows.length > expected.length) return { assessment: 'BAD', reasons: ['RESULT_EXTRA_ROWS'] };
  // each expected column matched by a distinct actual column holding the same values
  const free = Array.from({ length: actual.width }, (_, i) => i);
  const matched: number[] = [];
  for (let e = 0; e < expectedWidth; e++) {
    const key = column(expected, e);
    const at = free.findIndex((a) => column(actual.rows, a) === key);
    if (at < 0) continue;
    matched.push(e);
    free.splice(at, 1);
  }
  if (matched.length === expectedWidth) {
    return actual.width === expectedWidth ? { assessment: 'GOOD', reasons: [] } : { assessment: 'NEEDS_REVIEW', reasons: ['RESULT_EXTRA_COLUMNS'] };
  }
  if (actual.width < expectedWidth) return { assessment: 'BAD', reasons: ['RESULT_MISSING_COLUMNS'] };
  const differing = expected.flatMap((row, r) => row.filter((v, c) => cell(v) !== cell(actual.rows[r]?.[c] ?? null))).length;
  return { assessment: 'BAD', reasons: [differing === 1 && actual.width === expectedWidth ? 'SINGLE_CELL_DIFFERENCE' : 'RESULT_MISSING_ROWS'] };
}
