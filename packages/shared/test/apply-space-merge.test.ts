import { describe, expect, it } from 'vitest';
import { SerializedSpace, type Fix } from '../src/index.ts';
import { mergeFixes } from '../src/stages/space-merge.ts';
import { hex, shopSpace } from './apply-fixtures.ts';

const isSorted = (keys: string[]) => keys.every((k, i) => i === 0 || keys[i - 1] < k);

describe('mergeFixes', () => {
  it('keeps every array sorted and every id unique 32-hex', () => {
    const fixes: Fix[] = [
      { kind: 'metadata', table: 'main.shop.sales', column: 'sold_at', description: 'When the sale happened', rationale: 'r' },
      { kind: 'metadata', table: 'main.shop.sales', column: 'channel', synonyms: ['source'], rationale: 'r' },
      { kind: 'text_instruction', content: 'Exclude refunded sales.', rationale: 'r' },
      { kind: 'example_sql', question: 'Sales by channel in 2019', sql: 'SELECT channel, SUM(net_amt)\nFROM main.shop.sales\nGROUP BY channel', rationale: 'r' },
      { kind: 'example_sql', question: 'Items sold per day', sql: 'SELECT 1', rationale: 'r' },
      { kind: 'metric_view', identifier: 'main.shop.a_metrics', source: 'main.shop.sales', dimensions: [], measures: [{ name: 'm', expr: 'SUM(net_amt)' }], rationale: 'r' },
    ];
    const { space, applied, skipped } = mergeFixes(shopSpace(), fixes);
    expect(skipped).toEqual([]);
    expect(applied).toHaveLength(fixes.length);
    expect(SerializedSpace.safeParse(space).success).toBe(true);
    const sales = space.data_sources!.tables!.find((t) => t.identifier === 'main.shop.sales')!;
    expect(isSorted(space.data_sources!.tables!.map((t) => t.identifier))).toBe(true);
    expect(sales.column_configs!.map((c) => c.column_name)).toEqual(['channel', 'net_amt', 'sold_at']);
    const ids = [...space.instructions!.text_instructions!, ...space.instructions!.example_question_sqls!].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(isSorted(space.instructions!.text_instructions!.map((i) => i.id))).toBe(true);
    expect(isSorted(space.instructions!.example_question_sqls!.map((i) => i.id))).toBe(true);
    expect(space.data_sources!.metric_views).toEqual([{ identifier: 'main.shop.a_metrics' }]);
  });

  it('writes SQL as lines ending in a newline except the last, and the question as one line', () => {
    const { space } = mergeFixes(shopSpace(), [
      { kind: 'example_sql', question: 'Sales by channel', sql: 'SELECT channel\nFROM main.shop.sales\nGROUP BY channel', usage_guidance: 'splits by channel', rationale: 'r' },
    ]);
    const example = space.instructions!.example_question_sqls![0];
    expect(example.question).toEqual(['Sales by channel']);
    expect(example.sql).toEqual(['SELECT channel\n', 'FROM main.shop.sales\n', 'GROUP BY channel']);
    expect(example.usage_guidance).toEqual(['splits by channel\n']);
  });

  it('merges column synonyms without case-insensitive duplicates and replaces the description', () => {
    const { space } = mergeFixes(shopSpace(), [
      { kind: 'metadata', table: 'MAIN.shop.sales', column: 'NET_AMT', synonyms: ['revenue', 'turnover', 'Turnover'], description: 'Net amount', rationale: 'r' },
    ]);
    const column = space.data_sources!.tables!.find((t) => t.identifier === 'main.shop.sales')!.column_configs![0];
    expect(column).toEqual({ column_name: 'net_amt', synonyms: ['Revenue', 'turnover'], description: ['Net amount\n'] });
  });

  it('skips fixes for tables the space does not have, with the reason', () => {
    const fixes: Fix[] = [
      { kind: 'metadata', table: 'main.shop.ghosts', description: 'x', rationale: 'r' },
      { kind: 'example_sql', question: 'Ghosts per item', sql: 'SELECT i.item_id, COUNT(*) FROM main.shop.items i JOIN `main`.`shop`.`ghosts` g ON g.item_id = i.item_id GROUP BY 1', rationale: 'r' },
      { kind: 'metric_view', identifier: 'main.shop.m', source: 'main.other.t', dimensions: [], measures: [{ name: 'm', expr: 'COUNT(1)' }], rationale: 'r' },
    ];
    const { applied, skipped, space } = mergeFixes(shopSpace(), fixes);
    expect(applied).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      'source table main.other.t is not in the space',
      'table main.shop.ghosts is not in the space',
      'example SQL reads main.shop.ghosts, which is not in the space',
    ]);
    expect(space).toEqual(mergeFixes(shopSpace(), []).space);
  });

  it('skips examples over the 100-instruction limit, counting the text block once', () => {
    const start = shopSpace();
    start.instructions!.example_question_sqls = Array.from({ length: 98 }, (_, i) => ({ id: hex(100 + i), question: [`q${i}`], sql: ['SELECT 1'] }));
    const fixes: Fix[] = ['a', 'b', 'c'].map((v) => ({ kind: 'example_sql', question: `Sales for ${v}`, sql: `SELECT '${v}'`, rationale: 'r' }));
    fixes.push({ kind: 'text_instruction', content: 'Another rule.', rationale: 'r' });
    const { applied, skipped, space } = mergeFixes(start, fixes);
    expect(applied.map((f) => f.kind)).toEqual(['example_sql', 'text_instruction']);
    expect(skipped).toHaveLength(2);
    expect(skipped[0].reason).toMatch(/100 instructions/);
    expect(space.instructions!.example_question_sqls).toHaveLength(99);
    expect(space.instructions!.text_instructions).toHaveLength(2);
  });

  it('skips metric views over the 30 data-source limit', () => {
    const start = shopSpace();
    start.data_sources!.tables!.push(...Array.from({ length: 28 }, (_, i) => ({ identifier: `main.shop.t${String(i).padStart(2, '0')}` })));
    const view = (name: string): Fix => ({ kind: 'metric_view', identifier: `main.shop.${name}`, source: 'main.shop.sales', dimensions: [], measures: [{ name: 'm', expr: 'COUNT(1)' }], rationale: 'r' });
    const { applied, skipped } = mergeFixes(start, [view('v1')]);
    expect(applied).toEqual([]);
    expect(skipped[0].reason).toMatch(/30 tables and metric views/);
  });

  it('does not modify the input space', () => {
    const start = shopSpace();
    const copy = structuredClone(start);
    mergeFixes(start, [{ kind: 'text_instruction', content: 'Rule.', rationale: 'r' }]);
    expect(start).toEqual(copy);
  });
});
