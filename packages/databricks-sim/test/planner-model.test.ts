import { describe, expect, it } from 'vitest';
import { findLeak, mergeFixes, type Fix, type SerializedSpace } from '@genie-enhancer/shared';
import { answerQuestion } from '../src/genie/genie-engine.ts';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { periodChangeInstruction } from '../src/genie/period-change.ts';
import { simulatedCompletion } from '../src/model/planner-model.ts';

const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.shop.sales', columns: [{ name: 'sale_id', type: 'BIGINT' }, { name: 'sold_on', type: 'DATE' }, { name: 'acct', type: 'BIGINT' }, { name: 'amt', type: 'DOUBLE' }, { name: 'st', type: 'STRING' }, { name: 'ch', type: 'STRING' }], values: { st: ['OK', 'VOID'], ch: ['WEB', 'SHOP'] } },
    { identifier: 'main.shop.accounts', columns: [{ name: 'account_id', type: 'BIGINT' }, { name: 'tier', type: 'STRING' }], values: { tier: ['Gold', 'Basic'] } },
  ],
  metricViews: [],
};
const space: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.shop.accounts' }, { identifier: 'main.shop.sales' }] } };

function plan(failures: object[], levers?: string[]): { model: string; fixes: Fix[] } {
  const leverBlock = levers ? '```json levers\n' + JSON.stringify(levers) + '\n```\n' : '';
  const prompt = 'Fix these.\n```json space\n' + JSON.stringify(space) + '\n```\n' + leverBlock + '```json failures\n' + JSON.stringify(failures) + '\n```';
  const answer = simulatedCompletion([{ role: 'system', content: 'planner' }, { role: 'user', content: prompt }], catalog, 'my-endpoint');
  return { model: answer.model, fixes: JSON.parse(answer.content).fixes };
}

describe('simulated planner model', () => {
  it('labels itself simulated and answers empty when the prompt has no failures block', () => {
    const answer = simulatedCompletion([{ role: 'user', content: 'hello' }], catalog, 'ep');
    expect(answer.model).toBe('ep-simulated');
    expect(JSON.parse(answer.content).fixes).toEqual([]);
  });

  const incomeFailure = {
    question: 'What is the total income from Gold accounts in 2024?',
    expected_sql: "SELECT SUM(s.amt) FROM main.shop.sales s JOIN main.shop.accounts a ON s.acct = a.account_id WHERE s.st <> 'VOID' AND a.tier = 'Gold' AND year(s.sold_on) = 2024",
    genie_text: 'I could not find a column for "income".',
    reason_code: 'NO_SQL',
  };

  it('turns a missed measure, a hidden business rule and a differently named join key into general fixes', () => {
    const { fixes } = plan([incomeFailure]);
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'metadata', table: 'main.shop.sales', column: 'amt', synonyms: ['income'] }));
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'text_instruction', content: expect.stringContaining("Exclude rows where main.shop.sales.st = 'VOID'") }));
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'join_spec', left: { table: 'main.shop.sales', alias: 's' }, right: { table: 'main.shop.accounts', alias: 'a' }, sql: 's.acct = a.account_id', relationship_type: 'MANY_TO_ONE' }));
    expect(fixes.some((f) => f.kind === 'example_sql' || (f.kind === 'metadata' && f.description))).toBe(false);
  });

  it('without the join spec lever, the join key gets a "Foreign key to" description instead', () => {
    const { fixes } = plan([incomeFailure], ['metadata', 'text_instruction', 'example_sql', 'metric_view']);
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'metadata', column: 'acct', description: 'Foreign key to main.shop.accounts.account_id.' }));
    expect(fixes.some((f) => f.kind === 'join_spec')).toBe(false);
  });

  it('picks a measure snippet for a KPI over an expression and a filter snippet for a condition a word names', () => {
    const { fixes } = plan([
      { question: 'What was the net take in 2024?', expected_sql: 'SELECT SUM(amt - acct) FROM main.shop.sales WHERE year(sold_on) = 2024', genie_text: 'no column' },
      { question: 'How many online sales were there in 2024?', expected_sql: "SELECT COUNT(*) FROM main.shop.sales WHERE ch IN ('WEB') AND year(sold_on) = 2024", genie_sql: 'SELECT COUNT(*) FROM main.shop.sales WHERE year(sold_on) = 2024' },
    ]);
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'sql_snippet', snippet_type: 'measure', alias: 'net_take', sql: 'SUM(amt - acct)', synonyms: ['net take'] }));
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'sql_snippet', snippet_type: 'filter', alias: 'online', sql: "ch IN ('WEB')", synonyms: ['online'] }));
    const classic = plan([{ question: 'What was the net take in 2024?', expected_sql: 'SELECT SUM(amt - acct) FROM main.shop.sales WHERE year(sold_on) = 2024', genie_text: 'no column' }], ['metadata']);
    expect(classic.fixes.some((f) => f.kind === 'sql_snippet')).toBe(false);
  });

  it('defines a ratio as a metric view measure, with the hidden filter as the view filter', () => {
    const { fixes } = plan([{ question: 'What is the average sale value by ch?', expected_sql: "SELECT ch, SUM(amt) / COUNT(DISTINCT sale_id) FROM main.shop.sales WHERE st <> 'VOID' GROUP BY ch", genie_text: 'no column' }]);
    const view = fixes.find((f) => f.kind === 'metric_view');
    expect(view).toMatchObject({ identifier: 'main.shop.sales_metrics', source: 'main.shop.sales', filter: "st <> 'VOID'" });
    expect(view && view.kind === 'metric_view' && view.measures).toEqual([expect.objectContaining({ name: 'average_sale_value', expr: 'SUM(amt) / COUNT(DISTINCT sale_id)', synonyms: ['average sale value'] })]);
  });

  it('never writes an example made from the failing question, not even with other values', () => {
    const question = { question_id: 'q1', question: 'How did amt change from 2023 to 2024?', expected_sql: 'SELECT SUM(CASE WHEN year(sold_on) = 2024 THEN amt END) / SUM(CASE WHEN year(sold_on) = 2023 THEN amt END) FROM main.shop.sales' };
    const { fixes } = plan([{ ...question, genie_text: 'Comparing periods needs a worked example' }]);
    const benchmark = [{ id: 'q1', question: question.question, expected_sql: question.expected_sql }];
    expect(fixes.map((fix) => findLeak(fix, benchmark)).filter(Boolean)).toEqual([]);
    expect(fixes.filter((f) => f.kind === 'example_sql')).toEqual([]);
  });

  it('says how a change between two years is measured, so Genie answers it for any measure', () => {
    const question = 'What was the amt growth from 2023 to 2024?';
    const year = (y: number) => `SUM(CASE WHEN year(sold_on) = ${y} THEN amt END)`;
    const before = answerQuestion(space, catalog, question);
    expect(before.kind).toBe('text');
    const { fixes } = plan([{ question_id: 'q1', question, expected_sql: `SELECT (${year(2024)} - ${year(2023)}) / ${year(2023)} FROM main.shop.sales`, genie_text: before.kind === 'text' ? before.text : '' }]);
    const instruction = fixes.find((f) => f.kind === 'text_instruction');
    expect(instruction).toMatchObject({ content: periodChangeInstruction('relative') });
    const merged = mergeFixes(space, [instruction!]).space;
    for (const asked of [question, 'How did the total acct of WEB sales change from 2021 to 2022?']) {
      const after = answerQuestion(merged, catalog, asked);
      expect(after.kind === 'query' && after.sql.replace(/\s+/g, ' ')).toMatch(/^SELECT \(\(SELECT SUM\(\w+\).*\) - \(SELECT .*\)\) \/ \(SELECT .*\) AS change$/);
    }
    // a plain total per year is no change: nothing to say about growth
    const total = plan([{ question_id: 'q2', question: 'What was the amt in 2024?', expected_sql: `SELECT ${year(2024)} FROM main.shop.sales`, genie_text: 'no' }]);
    expect(total.fixes.filter((f) => f.kind === 'text_instruction' && /growth/i.test(f.content))).toEqual([]);
  });

  describe('a computed dimension several failures group by becomes an expression snippet', () => {
    const band = "CASE WHEN amt >= 100 THEN 'large' ELSE 'small' END";
    const byBand = (question: string, id: string, genie_sql = 'SELECT ch, SUM(amt) FROM main.shop.sales GROUP BY ch') =>
      ({ question_id: id, question, expected_sql: `SELECT ${band} AS b, SUM(amt) FROM main.shop.sales s GROUP BY ${band.replace(/amt/g, 's.amt')}`, genie_sql });

    it('proposes it once, named by the words the questions use, targeting both', () => {
      const { fixes } = plan([byBand('What is the total amt by size band?', 'q1'), byBand('Total amt per size band of all sales', 'q2')]);
      const snippets = fixes.filter((f) => f.kind === 'sql_snippet' && f.snippet_type === 'expression');
      expect(snippets).toEqual([expect.objectContaining({ alias: 'size_band', display_name: 'Size band', sql: band, synonyms: ['size band'], targets: ['q1', 'q2'] })]);
    });

    it("closes the loop: as Genie answered without it, the questions fail; with the snippet merged, Genie groups them by it", () => {
      const questions = ['What is the total amt by size band?', 'Total amt per size band of all sales'];
      const failures = questions.map((question, i) => {
        const reply = answerQuestion(space, catalog, question);
        expect(reply.kind === 'query' ? reply.sql : reply.text).not.toContain('CASE WHEN');
        return { ...byBand(question, `q${i + 1}`), ...(reply.kind === 'query' ? { genie_sql: reply.sql } : { genie_sql: undefined, genie_text: reply.text }) };
      });
      const proposed = plan(failures).fixes.filter((f) => f.kind === 'sql_snippet' && f.snippet_type === 'expression');
      expect(proposed).toHaveLength(1);
      const merged = mergeFixes(space, proposed).space;
      for (const question of questions) {
        const reply = answerQuestion(merged, catalog, question);
        expect(reply.kind === 'query' ? reply.sql : reply.text).toContain(`GROUP BY ${band}`);
      }
    });

    it('not from one failure, not when Genie computed it, not when the lever is off', () => {
      const none = (fixes: Fix[]) => expect(fixes.filter((f) => f.kind === 'sql_snippet' && f.snippet_type === 'expression')).toEqual([]);
      none(plan([byBand('What is the total amt by size band?', 'q1')]).fixes);
      const computed = `SELECT ${band}, SUM(amt) FROM main.shop.sales GROUP BY ${band}`;
      none(plan([byBand('What is the total amt by size band?', 'q1', computed), byBand('Total amt per size band of all sales', 'q2', computed)]).fixes);
      none(plan([byBand('What is the total amt by size band?', 'q1'), byBand('Total amt per size band of all sales', 'q2')], ['metadata', 'text_instruction']).fixes);
    });
  });
});
