import { describe, expect, it } from 'vitest';
import { compareResults, hasOuterOrderBy } from '../src/compare/index.ts';
import type { ResultSet } from '../src/stages/ports.ts';

const set = (names: string[], rows: unknown[][]): ResultSet => ({ columns: names.map((name) => ({ name, type: 'STRING' })), rows });

describe('compareResults (execution accuracy)', () => {
  const cases: { name: string; expected: ResultSet; actual: ResultSet; orderMatters?: boolean; match: boolean; code: string }[] = [
    { name: 'row order ignored without ORDER BY', expected: set(['a'], [[1], [2]]), actual: set(['a'], [[2], [1]]), match: true, code: 'MATCH' },
    { name: 'row order enforced with ORDER BY', expected: set(['a'], [[1], [2]]), actual: set(['a'], [[2], [1]]), orderMatters: true, match: false, code: 'ROW_ORDER_DIFFERENCE' },
    { name: 'duplicates count (multiset)', expected: set(['a'], [[1], [1], [2]]), actual: set(['a'], [[1], [2], [2]]), match: false, code: 'VALUE_DIFFERENCE' },
    { name: 'missing duplicate row', expected: set(['a'], [[1], [1]]), actual: set(['a'], [[1]]), match: false, code: 'RESULT_MISSING_ROWS' },
    { name: 'extra row', expected: set(['a'], [[1]]), actual: set(['a'], [[1], [2]]), match: false, code: 'RESULT_EXTRA_ROWS' },
    { name: 'column order and names ignored', expected: set(['region', 'rev'], [['EU', 10], ['US', 20]]), actual: set(['x', 'y'], [[20, 'US'], [10, 'EU']]), match: true, code: 'MATCH' },
    { name: 'float tolerance: 0.1+0.2 vs 0.3', expected: set(['a'], [[0.3]]), actual: set(['a'], [[0.1 + 0.2]]), match: true, code: 'MATCH' },
    { name: 'float tolerance: relative 1e-7 passes', expected: set(['a'], [[1000000]]), actual: set(['a'], [[1000000.1]]), match: true, code: 'MATCH' },
    { name: 'float tolerance: relative 1e-3 fails', expected: set(['a'], [[1000]]), actual: set(['a'], [[1001]]), match: false, code: 'SINGLE_CELL_DIFFERENCE' },
    { name: 'float tolerance: relative 4e-6 fails (beyond 1e-6)', expected: set(['a'], [[100], [200]]), actual: set(['a'], [[100.0004], [200]]), match: false, code: 'VALUE_DIFFERENCE' },
    { name: 'float tolerance holds across a rounding boundary', expected: set(['k', 'a'], [['x', 1.2345650001], ['y', 2]]), actual: set(['k', 'a'], [['y', 2], ['x', 1.2345649999]]), match: true, code: 'MATCH' },
    { name: 'NULL equals NULL', expected: set(['a', 'b'], [[null, 1]]), actual: set(['a', 'b'], [[null, 1]]), match: true, code: 'MATCH' },
    { name: 'NULL differs from 0', expected: set(['a'], [[null]]), actual: set(['a'], [[0]]), match: false, code: 'SINGLE_CELL_DIFFERENCE' },
    { name: '1 vs 1.0 vs "1" vs 1n vs "1.00"', expected: set(['a', 'b', 'c'], [[1, '1.00', 1n]]), actual: set(['a', 'b', 'c'], [['1.0', 1, '1']]), match: true, code: 'MATCH' },
    { name: 'scientific notation strings', expected: set(['a'], [[333600000]]), actual: set(['a'], [['3.336E8']]), match: true, code: 'MATCH' },
    { name: 'Date vs date string vs midnight timestamp', expected: set(['d', 'e'], [[new Date('2024-01-01T00:00:00Z'), '2024-02-01']]), actual: set(['d', 'e'], [['2024-01-01', '2024-02-01T00:00:00Z']]), match: true, code: 'MATCH' },
    { name: 'a date differs from a plain string', expected: set(['d'], [['2024-01-01']]), actual: set(['d'], [['Jan 1']]), match: false, code: 'SINGLE_CELL_DIFFERENCE' },
    { name: 'booleans from strings', expected: set(['b'], [[true]]), actual: set(['b'], [['TRUE']]), match: true, code: 'MATCH' },
    { name: 'extra columns pass by default', expected: set(['a'], [[1], [2]]), actual: set(['a', 'b'], [[1, 'x'], [2, 'y']]), match: true, code: 'MATCH' },
    { name: 'missing columns fail', expected: set(['a', 'b'], [[1, 2]]), actual: set(['a'], [[1]]), match: false, code: 'RESULT_MISSING_COLUMNS' },
    { name: 'empty actual result', expected: set(['a'], [[1]]), actual: set(['a'], []), match: false, code: 'EMPTY_RESULT' },
  ];
  it.each(cases)('$name', ({ expected, actual, orderMatters, match, code }) => {
    const result = compareResults(expected, actual, { orderMatters });
    expect(result.reason_code).toBe(code);
    expect(result.match).toBe(match);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it('a wider tolerance, when given, is the one applied', () => {
    const [expected, actual] = [set(['a'], [[100], [200]]), set(['a'], [[100.004], [200]])];
    expect(compareResults(expected, actual).match).toBe(false);
    expect(compareResults(expected, actual, { tolerance: { relative: 1e-4 } }).match).toBe(true);
  });

  it('extra columns fail when configured so', () => {
    expect(compareResults(set(['a'], [[1]]), set(['a', 'b'], [[1, 2]]), { extraColumns: 'fail' }).reason_code).toBe('RESULT_EXTRA_COLUMNS');
  });

  it('compares 100k-row results correctly in both directions', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [i % 97, `k${i}`, i * 0.5]);
    const shuffled = [...rows].reverse().map((r) => [r[2], String(r[0]), r[1]]);
    expect(compareResults(set(['a', 'b', 'c'], rows), set(['c', 'a', 'b'], shuffled)).match).toBe(true);
    shuffled[500] = [shuffled[500][0], '9999', shuffled[500][2]];
    expect(compareResults(set(['a', 'b', 'c'], rows), set(['c', 'a', 'b'], shuffled)).match).toBe(false);
  });

  it('finds ORDER BY only in the outermost query', () => {
    expect(hasOuterOrderBy('SELECT a FROM t ORDER BY a')).toBe(true);
    expect(hasOuterOrderBy('SELECT a FROM (SELECT a FROM t ORDER BY a LIMIT 3) x')).toBe(false);
    expect(hasOuterOrderBy("SELECT 'order by' AS s FROM t")).toBe(false);
  });
});
