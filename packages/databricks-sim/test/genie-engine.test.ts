import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';

const catalog: CatalogSnapshot = {
  tables: [
    {
      identifier: 'main.shop.sales',
      columns: [
        { name: 'sale_id', type: 'BIGINT' },
        { name: 'sold_on', type: 'DATE' },
        { name: 'acct', type: 'BIGINT' },
        { name: 'amt', type: 'DECIMAL(12,2)' },
        { name: 'st', type: 'STRING' },
        { name: 'ch', type: 'STRING' },
      ],
      values: { st: ['OK', 'VOID'], ch: ['WEB', 'SHOP'] },
    },
    {
      identifier: 'main.shop.accounts',
      columns: [
        { name: 'account_id', type: 'BIGINT' },
        { name: 'tier', type: 'STRING' },
      ],
      values: { tier: ['Gold', 'Basic'] },
    },
  ],
  metricViews: [],
};

function space(overrides: Partial<NonNullable<SerializedSpace['instructions']>> = {}, columnConfigs: Record<string, { synonyms?: string[]; description?: string[] }> = {}): SerializedSpace {
  return {
    version: 2,
    data_sources: {
      tables: [
        { identifier: 'main.shop.accounts' },
        {
          identifier: 'main.shop.sales',
          column_configs: Object.entries(columnConfigs).map(([column_name, c]) => ({ column_name, ...c })),
        },
      ],
    },
    instructions: { text_instructions: [], example_question_sqls: [], ...overrides },
  };
}

const sqlOf = (s: SerializedSpace, q: string) => {
  const reply = answerQuestion(s, catalog, q);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};

describe('simulated Genie reads only the space configuration', () => {
  it('asks for clarification when no column carries the question word, and answers once a synonym does', () => {
    expect(sqlOf(space(), 'What is the total income in 2024?')).toMatch(/^TEXT: I could not find a column for "income"/);
    const withSynonym = space({}, { amt: { synonyms: ['income'] } });
    expect(sqlOf(withSynonym, 'What is the total income in 2024?')).toBe('SELECT SUM(amt) AS sum_amt FROM main.shop.sales WHERE year(sold_on) = 2024');
  });

  it('uses a column description as weaker evidence', () => {
    const described = space({}, { amt: { description: ['Gross income of the sale in EUR'] } });
    expect(sqlOf(described, 'What is the total income?')).toBe('SELECT SUM(amt) AS sum_amt FROM main.shop.sales');
  });

  it('follows a default-filter instruction unless the question names the excluded value', () => {
    const s = space({ text_instructions: [{ id: 'a'.repeat(32), content: ["Exclude rows where main.shop.sales.st = 'VOID' unless asked."] }] }, { amt: { synonyms: ['income'] } });
    expect(sqlOf(s, 'What is the total income?')).toBe("SELECT SUM(amt) AS sum_amt FROM main.shop.sales WHERE st <> 'VOID'");
    expect(sqlOf(s, 'How many void sales are there?')).toBe("SELECT COUNT(*) AS row_count FROM main.shop.sales WHERE st = 'VOID'");
  });

  it('applies a fiscal calendar instruction, and the calendar year without it', () => {
    const plain = space({}, { amt: { synonyms: ['income'] } });
    expect(sqlOf(plain, 'What is the total income in fiscal year 2024?')).toContain('year(sold_on) = 2024');
    const fiscal = space({ text_instructions: [{ id: 'b'.repeat(32), content: ['Fiscal year N runs from April 1 of year N - 1 to the end of March of year N.'] }] }, { amt: { synonyms: ['income'] } });
    expect(sqlOf(fiscal, 'What is the total income in fiscal year 2024?')).toContain("sold_on >= DATE '2023-04-01' AND sold_on < DATE '2024-04-01'");
  });

  it('joins on differently named keys only once the space declares how', () => {
    const noJoin = space({}, { amt: { synonyms: ['income'] } });
    expect(sqlOf(noJoin, 'What is the total income from Gold accounts?')).toMatch(/^TEXT: I don't know how sales relates to accounts/);
    const fk = space({}, { amt: { synonyms: ['income'] }, acct: { description: ['Foreign key to main.shop.accounts.account_id.'] } });
    expect(sqlOf(fk, 'What is the total income from Gold accounts?')).toBe(
      "SELECT SUM(s.amt) AS sum_amt FROM main.shop.sales s JOIN main.shop.accounts a ON s.acct = a.account_id WHERE a.tier = 'Gold'",
    );
  });

  it('counts distinct keys when a count rule says so', () => {
    const s = space({ text_instructions: [{ id: 'c'.repeat(32), content: ['Count sales as COUNT(DISTINCT main.shop.sales.sale_id).'] }] });
    expect(sqlOf(s, 'How many sales were there in 2023?')).toBe('SELECT COUNT(DISTINCT sale_id) AS count_sale_id FROM main.shop.sales WHERE year(sold_on) = 2023');
  });

  it('adapts an example of the same shape to the question values, and ignores examples of other shapes', () => {
    const example = { id: 'd'.repeat(32), question: ['What was the income growth from 2021 to 2022?'], sql: ["SELECT SUM(CASE WHEN year(sold_on) = 2022 THEN amt END) / SUM(CASE WHEN year(sold_on) = 2021 THEN amt END) - 1 FROM main.shop.sales WHERE ch = 'WEB'"] };
    const s = space({ example_question_sqls: [example] });
    expect(sqlOf(s, 'What was the income growth from 2023 to 2024?')).toBe(
      "SELECT SUM(CASE WHEN year(sold_on) = 2024 THEN amt END) / SUM(CASE WHEN year(sold_on) = 2023 THEN amt END) - 1 FROM main.shop.sales WHERE ch = 'WEB'",
    );
    expect(sqlOf(s, 'What was the income growth by channel?')).toMatch(/^TEXT:/);
  });

  it('groups by time grains and ranks top-N', () => {
    const s = space({}, { amt: { synonyms: ['income'] }, ch: { synonyms: ['channel'] } });
    expect(sqlOf(s, 'What is the total income by month in 2024?')).toBe(
      "SELECT date_trunc('MONTH', sold_on) AS month, SUM(amt) AS sum_amt FROM main.shop.sales WHERE year(sold_on) = 2024 GROUP BY date_trunc('MONTH', sold_on) ORDER BY month",
    );
    expect(sqlOf(s, 'Which channel has the highest income?')).toBe('SELECT ch, SUM(amt) AS sum_amt FROM main.shop.sales GROUP BY ch ORDER BY sum_amt DESC LIMIT 1');
  });

  it('is deterministic for the same space and question', () => {
    const s = space({}, { amt: { synonyms: ['income'] } });
    expect(answerQuestion(s, catalog, 'Total income by ch in 2024')).toEqual(answerQuestion(s, catalog, 'Total income by ch in 2024'));
  });
});
