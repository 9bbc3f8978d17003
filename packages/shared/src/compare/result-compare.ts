import type { ReasonCode } from '../schemas/index.ts';
import type { ResultSet } from '../stages/ports.ts';
import { displayValue, normalizeValue, valueKey, valuesEqual, type Normal, type Tolerance } from './normalize.ts';

export interface CompareOptions {
  /** check row order (set when the expected SQL's outermost query has ORDER BY) */
  orderMatters?: boolean;
  /** columns in the actual result that the expected one lacks: pass (default) or fail */
  extraColumns?: 'pass' | 'fail';
  tolerance?: Partial<Tolerance>;
}

export interface Comparison {
  match: boolean;
  reason_code: ReasonCode;
  reason: string;
}

const DEFAULT_TOLERANCE: Tolerance = { relative: 1e-6, absolute: 1e-9 };

/** True when the outermost query ends with ORDER BY (ignoring subqueries, strings and comments). */
export function hasOuterOrderBy(sql: string): boolean {
  const stripped = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/'(?:[^']|'')*'/g, "''");
  let depth = 0;
  let outer = '';
  for (const ch of stripped) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) outer += ch;
  }
  return /\border\s+by\b/i.test(outer);
}

/** A result column: its normalised values and, computed once, each value's key hash and an order-free digest. */
interface Column {
  values: Normal[];
  /** 32-bit hash of each value's bucketing key (valueKey) */
  hashes: Uint32Array;
  /** count, sum and xor of the hashes: equal multisets of keys have equal digests */
  digest: string;
}

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function columnOf(values: Normal[]): Column {
  const hashes = new Uint32Array(values.length);
  let sum = 0;
  let xor = 0;
  for (let i = 0; i < values.length; i++) {
    const h = (hashes[i] = hash32(valueKey(values[i])));
    sum = (sum + h) % 0x1_0000_0000;
    xor ^= h;
  }
  return { values, hashes, digest: `${values.length}:${sum}:${xor >>> 0}` };
}

/**
 * The same keys, each as often, judged by the digest alone: a 64-bit collision could only pair the wrong columns,
 * and the row-by-row pairing that follows would then find no match; a match is always proven row by row.
 */
const sameKeys = (a: Column, b: Column): boolean => a.digest === b.digest;

/** Maps each expected column to a distinct actual column holding the same values (order-insensitive). */
function matchColumns(expected: Column[], actual: Column[], tolerance: Tolerance): number[] | undefined {
  const used = new Set<number>();
  const mapping: number[] = [];
  for (const column of expected) {
    let index = actual.findIndex((c, i) => !used.has(i) && sameKeys(column, c));
    if (index < 0) index = actual.findIndex((c, i) => !used.has(i) && sameMultisetWithin(column, c, tolerance));
    if (index < 0) return undefined;
    used.add(index);
    mapping.push(index);
  }
  return mapping;
}

/**
 * Equal as multisets within the numeric tolerance. Only numbers can be equal with different keys (every other kind's
 * key is its value), so two columns are sorted numerically (a typed-array sort) and compared pairwise; whatever is
 * not a number must match by key.
 */
function sameMultisetWithin(a: Column, b: Column, tolerance: Tolerance): boolean {
  if (a.values.length !== b.values.length) return false;
  const split = (c: Column) => {
    const numbers: number[] = [];
    const others: string[] = [];
    for (const v of c.values) if (v.kind === 'number') numbers.push(v.value); else others.push(valueKey(v));
    return { numbers: Float64Array.from(numbers).sort(), others: others.sort() };
  };
  const [sa, sb] = [split(a), split(b)];
  if (sa.numbers.length !== sb.numbers.length || sa.others.some((k, i) => k !== sb.others[i])) return false;
  return sa.numbers.every((x, i) => valuesEqual({ kind: 'number', value: x }, { kind: 'number', value: sb.numbers[i] }, tolerance));
}

const columnsOf = (set: ResultSet): Column[] => set.columns.map((_, c) => columnOf(set.rows.map((row) => normalizeValue(row[c]))));

/**
 * Execution-accuracy comparison: rows as a multiset, columns matched by content (names and positions ignored),
 * values normalised by type with a numeric tolerance, NULL equal to NULL; row order only when asked.
 */
export function compareResults(expected: ResultSet, actual: ResultSet, options: CompareOptions = {}): Comparison {
  const tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  if (expected.rows.length > 0 && actual.rows.length === 0) return fail('EMPTY_RESULT', `Genie's query returned no rows; expected ${expected.rows.length}.`);
  const expectedColumns = columnsOf(expected);
  const actualColumns = columnsOf(actual);
  if (actualColumns.length < expectedColumns.length) {
    return fail('RESULT_MISSING_COLUMNS', `Genie's result has ${actualColumns.length} columns; expected ${expectedColumns.length}.`);
  }
  if (expected.rows.length !== actual.rows.length) {
    return expected.rows.length > actual.rows.length
      ? fail('RESULT_MISSING_ROWS', `Genie's result has ${actual.rows.length} rows; expected ${expected.rows.length}.`)
      : fail('RESULT_EXTRA_ROWS', `Genie's result has ${actual.rows.length} rows; expected ${expected.rows.length}.`);
  }
  const mapping = matchColumns(expectedColumns, actualColumns, tolerance);
  if (!mapping) return describeValueDifference(expectedColumns, actualColumns, expected);
  const rowEqual = (e: number, a: number) => expectedColumns.every((column, c) => valuesEqual(column.values[e], actualColumns[mapping[c]].values[a], tolerance));
  const missing = firstUnmatchedRow(expectedColumns, actualColumns, mapping, expected.rows.length, rowEqual);
  if (missing >= 0) {
    return fail('VALUE_DIFFERENCE', `Row ${missing + 1} of Genie's result (${mapping.map((c) => displayValue(actualColumns[c].values[missing])).join(', ')}) is not in the expected result.`);
  }
  if (options.orderMatters) {
    for (let r = 0; r < expected.rows.length; r++) {
      if (!rowEqual(r, r)) return fail('ROW_ORDER_DIFFERENCE', `Same rows, different order: row ${r + 1} differs.`);
    }
  }
  if (actualColumns.length > expectedColumns.length) {
    const reason = `Genie's result has ${actualColumns.length - expectedColumns.length} extra column(s); the expected columns all match.`;
    return options.extraColumns === 'fail' ? fail('RESULT_EXTRA_COLUMNS', reason) : { match: true, reason_code: 'MATCH', reason };
  }
  return { match: true, reason_code: 'MATCH', reason: 'Result sets match.' };
}

/** A row's bucket: its cells' key hashes mixed in column order (equal rows share it; a collision only shares a bucket). */
const rowHash = (columns: Column[], indexes: number[], row: number) => {
  let h = 0x811c9dc5;
  for (const c of indexes) h = Math.imul(h ^ columns[c].hashes[row], 0x01000193);
  return h >>> 0;
};

// Beyond this many leftover comparisons the tolerant pass is skipped and the rows count as different.
const MAX_TOLERANT_COMPARISONS = 50_000_000;

/**
 * Pairs every actual row with a distinct expected row equal within tolerance (rows as a multiset); returns the
 * first actual row left without a partner, or -1. Rows are bucketed by a hash of their rounded keys first; values within
 * tolerance that round to different keys are then paired one by one.
 */
function firstUnmatchedRow(expected: Column[], actual: Column[], mapping: number[], rows: number, rowEqual: (e: number, a: number) => boolean): number {
  const identity = expected.map((_, i) => i);
  // most keys are unique: a bucket is a row number until a second row shares its key
  const buckets = new Map<number, number | number[]>();
  for (let e = 0; e < rows; e++) {
    const key = rowHash(expected, identity, e);
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, e);
    else if (typeof bucket === 'number') buckets.set(key, [bucket, e]);
    else bucket.push(e);
  }
  const used = new Uint8Array(rows);
  const leftovers: number[] = [];
  for (let a = 0; a < rows; a++) {
    const key = rowHash(actual, mapping, a);
    const bucket = buckets.get(key);
    if (typeof bucket === 'number') {
      if (rowEqual(bucket, a)) {
        used[bucket] = 1;
        buckets.delete(key);
      } else leftovers.push(a);
      continue;
    }
    const at = bucket ? bucket.findIndex((e) => rowEqual(e, a)) : -1;
    if (at < 0) {
      leftovers.push(a);
      continue;
    }
    used[bucket![at]] = 1;
    bucket![at] = bucket![bucket!.length - 1];
    bucket!.pop();
  }
  if (leftovers.length * rows > MAX_TOLERANT_COMPARISONS) return leftovers[0];
  for (const a of leftovers) {
    let partner = -1;
    for (let e = 0; e < rows && partner < 0; e++) if (!used[e] && rowEqual(e, a)) partner = e;
    if (partner < 0) return a;
    used[partner] = 1;
  }
  return -1;
}

function describeValueDifference(expected: Column[], actual: Column[], set: ResultSet): Comparison {
  if (set.rows.length === 1 && expected.length === 1 && actual.length >= 1) {
    return fail('SINGLE_CELL_DIFFERENCE', `Expected ${displayValue(expected[0].values[0])}, Genie returned ${actual.map((c) => displayValue(c.values[0])).join(', ')}.`);
  }
  const first = expected.findIndex((column) => !actual.some((c) => sameKeys(column, c)));
  const name = set.columns[first]?.name ?? `#${first + 1}`;
  return fail('VALUE_DIFFERENCE', `No column of Genie's result holds the values of expected column "${name}" (first value ${displayValue(expected[first]?.values[0] ?? { kind: 'null' })}).`);
}

function fail(reason_code: ReasonCode, reason: string): Comparison {
  return { match: false, reason_code, reason };
}
