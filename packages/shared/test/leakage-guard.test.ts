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

  it('rejects the same statement or question with other values: a year, a limit, a quoted value', () => {
    const sql = benchmark[0].expected_sql.replace('2021', '2019').replace('LIMIT 3', 'LIMIT 10');
    expect(findLeak(example('Which items sold best over the whole year?', sql), benchmark)).toMatch(/expected SQL of benchmark question q1 with other values/);
    expect(findLeak(example('What are the top 10 items by sales in 2019?', 'SELECT 1'), benchmark)).toMatch(/benchmark question q1 with other values/);
    const store = { id: 'q2', question: 'How many orders did the "North" store take?', expected_sql: "SELECT COUNT(*) FROM main.shop.orders WHERE store = 'North'" };
    expect(findLeak(example('How many orders did the "South" store take?', "SELECT COUNT(*) FROM main.shop.orders WHERE store = 'South'"), [store])).toMatch(/q2/);
    // apostrophes are not quotes: the words between them still count
    const owner = { id: 'q3', question: "What's each store's revenue in 2021?", expected_sql: 'SELECT store, SUM(amount) FROM main.shop.sales GROUP BY store' };
    expect(findLeak(example("What's each store's revenue in 2020?", 'SELECT 1'), [owner])).toMatch(/q3 with other values/);
    expect(findLeak(example("What's each region's revenue in 2020?", 'SELECT 1'), [owner])).toBeUndefined();
  });

  it('keeps an example of another shape over the same tables', () => {
    const other = example("What is each item's share of 2021 sales?", 'SELECT i.item_nm, SUM(s.net_amt) / (SELECT SUM(net_amt) FROM main.shop.sales) AS share FROM main.shop.sales s JOIN main.shop.items i ON s.item_id = i.item_id GROUP BY i.item_nm');
    expect(findLeak(other, benchmark)).toBeUndefined();
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
