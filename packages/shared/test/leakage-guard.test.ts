import { describe, expect, it } from 'vitest';
import type { BenchmarkQuestion, Fix } from '../src/index.ts';
import { findLeak, guardLeakage } from '../src/stages/leakage.ts';
import { normaliseSql } from '../src/stages/sql-normalise.ts';

const benchmark: BenchmarkQuestion[] = [
  {
    id: 'q1',
    question: 'What are the top 3 items by sales in 2021?',
    expected_sql:
      "SELECT i.item_nm AS item, SUM(s.net_amt) AS sales FROM main.shop.sales s JOIN main.shop.items i ON s.item_id = i.item_id WHERE year(s.sold_at) = 2021 GROUP BY i.item_nm ORDER BY sales DESC LIMIT 3",
  },
];
const example = (question: string, sql: string): Fix => ({ kind: 'example_sql', question, sql, rationale: 'teaches a ranking join' });

describe('normaliseSql', () => {
  it('ignores case, whitespace, quotes, AS aliases and alias qualifiers', () => {
    const a = 'SELECT s.region AS r, COUNT(*) AS n FROM main.shop.sales AS s WHERE s.kind = "web" GROUP BY s.region';
    const b = "select region,\n  count(*)   from `main`.`shop`.`sales` where kind='web' group by sales.region;";
    expect(normaliseSql(a)).toBe(normaliseSql(b));
  });
});

describe('leakage guard', () => {
  it('catches the expected SQL rewritten with other aliases and layout', () => {
    const copied = `select items.item_nm, sum(sales.net_amt) as total
      from main.shop.sales as sales join main.shop.items as items on sales.item_id = items.item_id
      where year(sales.sold_at) = 2021 group by items.item_nm order by sales desc limit 3`;
    expect(findLeak(example('Best sellers', copied), benchmark)).toMatch(/expected SQL of benchmark question q1/);
  });

  it('catches a benchmark question reused with other punctuation and case', () => {
    expect(findLeak(example('what are the TOP 3 items by sales in 2021', 'SELECT 1'), benchmark)).toMatch(/benchmark question q1/);
  });

  it('allows the same shape for a different value', () => {
    const sql = benchmark[0].expected_sql.replace('2021', '2019').replace('LIMIT 3', 'LIMIT 10');
    expect(findLeak(example('What are the top 10 items by sales in 2019?', sql), benchmark)).toBeUndefined();
  });

  it('rejects instructions and descriptions that quote a benchmark question or SQL', () => {
    const instruction: Fix = { kind: 'text_instruction', content: 'When asked "What are the top 3 items by sales in 2021?" rank items.', rationale: 'x' };
    const description: Fix = { kind: 'metadata', table: 'main.shop.sales', description: `Use: ${benchmark[0].expected_sql}`, rationale: 'x' };
    const fine: Fix = { kind: 'text_instruction', content: 'Rank items by the sum of net_amt.', rationale: 'x' };
    const { kept, rejected } = guardLeakage([instruction, description, fine], benchmark);
    expect(kept).toEqual([fine]);
    expect(rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^leakage: text_instruction text contains benchmark question q1/),
      expect.stringMatching(/^leakage: metadata text contains the expected SQL/),
    ]);
  });
});
