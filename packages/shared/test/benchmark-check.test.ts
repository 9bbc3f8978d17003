import { describe, expect, it } from 'vitest';
import { checkBenchmark, DatabricksApiError, SqlExecutionError, type SqlWarehouse } from '../src/index.ts';

const q = (id: string, question: string, expected_sql: string) => ({ id, question, expected_sql });

describe('checkBenchmark over a SqlWarehouse port', () => {
  it('an unreachable warehouse is thrown, not reported as bad questions', async () => {
    const down: SqlWarehouse = { query: async () => { throw new DatabricksApiError('warehouse down', undefined, 'WAREHOUSE_UNAVAILABLE', { retryable: true }); }, close: async () => {} };
    await expect(checkBenchmark([q('a', 'A?', 'SELECT 1')], { warehouse: down })).rejects.toThrow('warehouse down');
  });

  it('the same rows in another order and under other column names are the same result; a SQL error is a reason', async () => {
    const rows: Record<string, unknown[][]> = { 'SELECT 1': [[1, 'x'], [2, 'y']], 'SELECT 2': [['y', 2], ['x', 1]], 'SELECT 3': [[2, 'y'], [1, 'x']] };
    const warehouse: SqlWarehouse = {
      query: async (sql) => {
        if (!rows[sql]) throw new SqlExecutionError('TABLE_OR_VIEW_NOT_FOUND');
        return { columns: [{ name: 'c', type: 'STRING' }, { name: 'd', type: 'STRING' }], rows: rows[sql] };
      },
      close: async () => {},
    };
    const result = await checkBenchmark([q('a', 'A?', 'SELECT 1'), q('b', 'B?', 'SELECT 2'), q('c', 'C?', 'SELECT 3'), q('d', 'D?', 'SELECT 4')], { warehouse });
    expect(result.good.map((x) => x.id)).toEqual(['a', 'b']);
    expect(result.bad).toEqual([
      { question_id: 'c', reasons: ['same expected result as "a"'] },
      { question_id: 'd', reasons: ['expected SQL fails: TABLE_OR_VIEW_NOT_FOUND'] },
    ]);
  });
});
