import { describe, expect, it } from 'vitest';
import { mergeFixes, type Fix, type SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';
import { simulatedCompletion } from '../src/model/planner-model.ts';

/**
 * Planner fixes found on a development domain, on a schema of their own: a share's condition named by the share's own
 * words (never by a ratio word), a second key to a joined table as a join instruction, percentages kept as fractions,
 * a grain claim accepted when the key is named after the noun even if another column is too.
 */
const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.rail.yard_ref', columns: [{ name: 'yd_cd', type: 'STRING' }, { name: 'yd_nm', type: 'STRING' }], values: {}, sampledValues: {} },
    {
      identifier: 'main.rail.sched_jnl',
      columns: [{ name: 'leg_id', type: 'BIGINT' }, { name: 'org_yd', type: 'STRING' }, { name: 'dst_yd', type: 'STRING' }, { name: 'leg_dt', type: 'DATE' }, { name: 'leg_st', type: 'STRING' }, { name: 'tons', type: 'DOUBLE' }],
      values: { leg_st: ['OK', 'XX'] },
      sampledValues: {},
    },
  ],
  metricViews: [],
};
const joined: SerializedSpace = {
  version: 2,
  data_sources: { tables: [{ identifier: 'main.rail.sched_jnl' }, { identifier: 'main.rail.yard_ref' }] },
  instructions: {
    text_instructions: [],
    example_question_sqls: [],
    join_specs: [{ id: '0123456789abcdef0123456789abcdef', left: { identifier: 'main.rail.sched_jnl', alias: 'r' }, right: { identifier: 'main.rail.yard_ref', alias: 'y' }, sql: ['r.org_yd = y.yd_cd'], relationship_type: 'MANY_TO_ONE' }],
  },
};
const described: SerializedSpace = { ...joined, data_sources: { tables: [{ identifier: 'main.rail.sched_jnl', description: ['One row per leg.'] }, { identifier: 'main.rail.yard_ref' }] } };
const plan = (space: SerializedSpace, failures: { question: string; expected_sql: string }[]) => {
  const withAnswers = failures.map((f, i) => { const r = answerQuestion(space, catalog, f.question); return { question_id: `q${i}`, ...f, ...(r.kind === 'query' ? { genie_sql: r.sql } : {}) }; });
  const prompt = `\`\`\`json space\n${JSON.stringify(space)}\n\`\`\`\n\`\`\`json failures\n${JSON.stringify(withAnswers)}\n\`\`\``;
  return (JSON.parse(simulatedCompletion([{ role: 'user', content: prompt }], catalog, 'planner').content) as { fixes: Fix[] }).fixes;
};
const sqlOf = (space: SerializedSpace, q: string) => { const r = answerQuestion(space, catalog, q); return r.kind === 'query' ? r.sql.replace(/\s+/g, ' ') : `TEXT: ${r.text}`; };

describe('simulated planner: general fixes from a development domain', () => {
  it('names a share’s condition by the share’s own words, even when another question says them without applying it', () => {
    const fixes = plan(joined, [
      { question: 'What fraction of all legs in 2024 were scrapped?', expected_sql: "SELECT AVG(CASE WHEN leg_st = 'XX' THEN 1.0 ELSE 0.0 END) FROM main.rail.sched_jnl WHERE year(leg_dt) = 2024" },
      { question: 'How many legs were there in total, scrapped ones included?', expected_sql: 'SELECT COUNT(*) FROM main.rail.sched_jnl' },
    ]);
    const snippets = fixes.filter((f) => f.kind === 'sql_snippet');
    expect(snippets).toContainEqual(expect.objectContaining({ sql: "leg_st = 'XX'", synonyms: ['scrapped'] }));
    expect(snippets.flatMap((f) => (f.kind === 'sql_snippet' ? f.synonyms ?? [] : []))).not.toContain('fraction');
  });

  it('proposes a second key to a table a join spec already joins as a join instruction, which Genie then uses by role', () => {
    const fixes = plan(described, [{ question: 'How many legs were there per destination yard?', expected_sql: 'SELECT y.yd_nm, COUNT(*) FROM main.rail.sched_jnl r JOIN main.rail.yard_ref y ON r.dst_yd = y.yd_cd GROUP BY y.yd_nm' }]);
    expect(fixes.filter((f) => f.kind === 'join_spec')).toEqual([]);
    const merged = mergeFixes(described, fixes).space;
    expect(sqlOf(merged, 'How many legs were there per destination yard?')).toMatch(/\w+\.dst_yd = y\.yd_cd/);
    expect(sqlOf(merged, 'How many legs were there per yard of origin?')).toMatch(/\w+\.org_yd = y\.yd_cd/);
  });

  it('keeps percentages as fractions when the expected SQL does, by an instruction Genie follows', () => {
    const q = 'What percentage of legs were scrapped?';
    const space = { ...described, instructions: { ...described.instructions!, sql_snippets: { filters: [{ id: 'fedcba9876543210fedcba9876543210', alias: 'scrapped', display_name: 'Scrapped', sql: ["leg_st = 'XX'"], synonyms: ['scrapped'] }] } } } as SerializedSpace;
    expect(sqlOf(space, q)).toContain('100.0 * AVG(CASE');
    const fixes = plan(space, [{ question: q, expected_sql: "SELECT AVG(CASE WHEN leg_st = 'XX' THEN 1.0 ELSE 0.0 END) FROM main.rail.sched_jnl" }]);
    expect(sqlOf(mergeFixes(space, fixes).space, q)).toMatch(/^SELECT AVG\(CASE/);
  });

  it('claims one row per noun when the key is named after it, though another column is too', () => {
    const fixes = plan(joined, [{ question: 'How many legs were made in 2024?', expected_sql: 'SELECT COUNT(*) FROM main.rail.sched_jnl WHERE year(leg_dt) = 2024' }]);
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'metadata', table: 'main.rail.sched_jnl', description: 'One row per leg.' }));
  });
});
