import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { alternativeReadings } from '../src/genie/alternative-readings.ts';

const catalog: CatalogSnapshot = {
  tables: [
    {
      identifier: 'main.shop.sales',
      columns: [
        { name: 'sale_id', type: 'BIGINT' }, { name: 'sold_on', type: 'DATE' }, { name: 'shipped_on', type: 'TIMESTAMP' },
        { name: 'amt', type: 'DECIMAL(12,2)' }, { name: 'qty', type: 'INT' }, { name: 'st', type: 'STRING' }, { name: 'ch', type: 'STRING' },
        { name: 'acct_id', type: 'BIGINT' },
      ],
      values: {},
    },
    { identifier: 'main.shop.accounts', columns: [{ name: 'account_id', type: 'BIGINT' }, { name: 'tier', type: 'STRING' }, { name: 'region', type: 'STRING' }], values: {} },
  ],
  metricViews: [],
};
const readings = (sql: string) => Object.fromEntries(alternativeReadings(sql, catalog).map((g) => [g.kind, g.sqls.map((s) => s.replace(/\n/g, ' '))]));

describe('alternative readings of a SQL', () => {
  it('drops one condition, ignores or reverses the top-N, and swaps a column for one of the same kind', () => {
    const sql = "SELECT ch, SUM(amt) AS sum_amt\nFROM main.shop.sales\nWHERE st <> 'VOID' AND year(sold_on) = 2024\nGROUP BY ch\nORDER BY sum_amt DESC\nLIMIT 3";
    expect(readings(sql)).toEqual({
      drop_condition: [
        'SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales WHERE year(sold_on) = 2024 GROUP BY ch ORDER BY sum_amt DESC LIMIT 3',
        "SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' GROUP BY ch ORDER BY sum_amt DESC LIMIT 3",
      ],
      limit: [
        "SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' AND year(sold_on) = 2024 GROUP BY ch ORDER BY sum_amt DESC",
        "SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' AND year(sold_on) = 2024 GROUP BY ch ORDER BY sum_amt ASC LIMIT 3",
      ],
      // st is only compared with a value, never swapped; ch is a grouping, so it may be read as another label
      other_column: [
        "SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' AND year(shipped_on) = 2024 GROUP BY ch ORDER BY sum_amt DESC LIMIT 3",
        "SELECT ch, SUM(qty) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' AND year(sold_on) = 2024 GROUP BY ch ORDER BY sum_amt DESC LIMIT 3",
        "SELECT st, SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID' AND year(sold_on) = 2024 GROUP BY st ORDER BY sum_amt DESC LIMIT 3",
      ],
    });
  });

  it('reads a count the other way and counts an id instead of rows, through the aliases of a join', () => {
    expect(readings('SELECT COUNT(DISTINCT acct_id) AS n FROM main.shop.sales').count_variant).toEqual(['SELECT COUNT(acct_id) AS n FROM main.shop.sales']);
    expect(readings('SELECT a.tier, COUNT(*) AS row_count\nFROM main.shop.sales s\nJOIN main.shop.accounts a ON s.acct_id = a.account_id\nGROUP BY a.tier')).toEqual({
      count_variant: ['SELECT a.tier, COUNT(DISTINCT s.sale_id) AS row_count FROM main.shop.sales s JOIN main.shop.accounts a ON s.acct_id = a.account_id GROUP BY a.tier'],
      other_column: ['SELECT a.region, COUNT(*) AS row_count FROM main.shop.sales s JOIN main.shop.accounts a ON s.acct_id = a.account_id GROUP BY a.region'],
    });
  });

  it('drops the whole WHERE of a single condition and leaves quoted text alone', () => {
    expect(readings("SELECT SUM(amt) AS total FROM main.shop.sales WHERE ch = 'amt'")).toEqual({
      drop_condition: ['SELECT SUM(amt) AS total FROM main.shop.sales'],
      other_column: ["SELECT SUM(qty) AS total FROM main.shop.sales WHERE ch = 'amt'"],
    });
  });

  it('does not split conditions joined with OR or BETWEEN, and reads nothing into a compound query', () => {
    expect(readings("SELECT COUNT(*) AS n FROM main.shop.sales WHERE st = 'OK' OR ch = 'WEB'").drop_condition).toBeUndefined();
    expect(readings("SELECT COUNT(*) AS n FROM main.shop.sales WHERE sold_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'").drop_condition).toBeUndefined();
    expect(alternativeReadings('SELECT SUM(amt) FROM main.shop.sales WHERE qty > 1 UNION ALL SELECT SUM(qty) FROM main.shop.sales', catalog)).toEqual([]);
    expect(alternativeReadings('SELECT COUNT(*) AS n FROM main.shop.unknown', catalog)).toEqual([]);
  });
});
