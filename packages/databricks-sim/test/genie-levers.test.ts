import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';

const catalog: CatalogSnapshot = {
  tables: [
    {
      identifier: 'main.shop.sales',
      columns: [{ name: 'sale_id', type: 'BIGINT' }, { name: 'sold_on', type: 'DATE' }, { name: 'acct', type: 'BIGINT' }, { name: 'area', type: 'STRING' }, { name: 'amt', type: 'DECIMAL(12,2)' }, { name: 'cost', type: 'DECIMAL(12,2)' }, { name: 'ch', type: 'STRING' }],
      values: { ch: ['WEB', 'APP', 'SHOP'], area: ['A', 'B'] },
    },
    { identifier: 'main.shop.accounts', columns: [{ name: 'account_no', type: 'BIGINT' }, { name: 'area_cd', type: 'STRING' }, { name: 'tier', type: 'STRING' }], values: { tier: ['Gold', 'Basic'] } },
  ],
  metricViews: [],
};
const hex = (n: number) => n.toString(16).padStart(32, '0');
const bare: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.shop.accounts' }, { identifier: 'main.shop.sales' }] } };
const withLevers: SerializedSpace = {
  ...bare,
  instructions: {
    join_specs: [{ id: hex(1), left: { identifier: 'main.shop.sales', alias: 's' }, right: { identifier: 'main.shop.accounts', alias: 'a' }, sql: ['s.acct = a.account_no AND s.area = a.area_cd'] }],
    sql_snippets: {
      measures: [{ id: hex(2), alias: 'margin', display_name: 'Margin', sql: ['SUM(amt - cost)'], synonyms: ['profit'] }],
      filters: [{ id: hex(3), alias: 'digital', display_name: 'Digital', sql: ["ch IN ('WEB', 'APP')"], synonyms: ['online'] }],
      expressions: [{ id: hex(4), alias: 'size_band', display_name: 'Size band', sql: ["CASE WHEN amt >= 100 THEN 'large' ELSE 'small' END"], synonyms: ['price band'] }],
    },
  },
};
const sql = (space: SerializedSpace, question: string) => {
  const reply = answerQuestion(space, catalog, question);
  return reply.kind === 'query' ? reply.sql : `TEXT: ${reply.text}`;
};

describe('the simulated Genie honours each lever as the reference describes', () => {
  it('a join spec makes its join path known, with every equality of a composite key', () => {
    expect(sql(bare, 'What is the total amt by tier?')).toMatch(/^TEXT: I don't know how sales relates to accounts/);
    expect(sql(withLevers, 'What is the total amt by tier?')).toBe(
      'SELECT a.tier, SUM(s.amt) AS sum_amt\nFROM main.shop.sales s\nJOIN main.shop.accounts a ON s.acct = a.account_no AND s.area = a.area_cd\nGROUP BY a.tier',
    );
  });

  it("a measure's synonyms map to its expression, also through a join", () => {
    expect(sql(bare, 'What was the profit in 2024?')).toMatch(/^TEXT:/);
    expect(sql(withLevers, 'What was the profit in 2024?')).toBe('SELECT SUM(amt - cost) AS margin\nFROM main.shop.sales\nWHERE year(sold_on) = 2024');
    expect(sql(withLevers, 'What is the margin by tier?')).toContain('SELECT a.tier, SUM(s.amt - s.cost) AS margin');
  });

  it("a filter's synonyms map the phrase to its condition; without the word, no condition", () => {
    expect(sql(bare, 'How many online sales were there in 2024?')).not.toContain('ch IN');
    expect(sql(withLevers, 'How many online sales were there in 2024?')).toBe("SELECT COUNT(*) AS row_count\nFROM main.shop.sales\nWHERE ch IN ('WEB', 'APP') AND year(sold_on) = 2024");
    expect(sql(withLevers, 'How many sales were there in 2024?')).not.toContain('ch IN');
  });

  it("an expression's synonyms name a dimension computed by its SQL", () => {
    expect(sql(withLevers, 'How many sales are there by price band?')).toBe(
      "SELECT CASE WHEN amt >= 100 THEN 'large' ELSE 'small' END AS size_band, COUNT(*) AS row_count\nFROM main.shop.sales\nGROUP BY CASE WHEN amt >= 100 THEN 'large' ELSE 'small' END",
    );
  });
});
