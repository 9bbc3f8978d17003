import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';
import { parseQuestion } from '../src/genie/question.ts';

/**
 * General readings found on a development domain, checked on a schema of their own: a row referring to another table
 * in two roles, a ledger dated by the table it refers to, shares asked without a copula, a measure named by the noun a
 * question opens with, a counted noun ending before its verb, a filter's words after "including".
 */
const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.rail.yard_ref', columns: [{ name: 'yd_cd', type: 'STRING' }, { name: 'yd_nm', type: 'STRING' }, { name: 'dist', type: 'STRING' }], values: { dist: ['Upper', 'Lower'] }, sampledValues: {} },
    {
      identifier: 'main.rail.run_jnl',
      columns: [{ name: 'run_id', type: 'BIGINT' }, { name: 'org_yd', type: 'STRING' }, { name: 'dst_yd', type: 'STRING' }, { name: 'run_dt', type: 'DATE' }, { name: 'plan_min', type: 'INT' }, { name: 'real_min', type: 'INT' }, { name: 'st', type: 'STRING' }],
      values: { st: ['R', 'X'] },
      sampledValues: {},
    },
    { identifier: 'main.rail.fare_ln', columns: [{ name: 'run_id', type: 'BIGINT' }, { name: 'cls', type: 'STRING' }, { name: 'tk_amt', type: 'DOUBLE' }], values: {}, sampledValues: {} },
  ],
  metricViews: [],
};
const space: SerializedSpace = {
  version: 2,
  data_sources: {
    tables: [
      { identifier: 'main.rail.fare_ln', column_configs: [{ column_name: 'tk_amt', synonyms: ['takings'] }] },
      { identifier: 'main.rail.run_jnl', description: ['One row per run.'] },
      { identifier: 'main.rail.yard_ref' },
    ],
  },
  instructions: {
    text_instructions: [],
    example_question_sqls: [],
    join_specs: [
      { id: 'a', left: { identifier: 'main.rail.run_jnl', alias: 'r' }, right: { identifier: 'main.rail.yard_ref', alias: 'y' }, sql: ['r.org_yd = y.yd_cd'], relationship_type: 'MANY_TO_ONE' },
      { id: 'b', left: { identifier: 'main.rail.run_jnl', alias: 'r' }, right: { identifier: 'main.rail.yard_ref', alias: 'y' }, sql: ['r.dst_yd = y.yd_cd'], relationship_type: 'MANY_TO_ONE' },
    ],
    sql_snippets: { filters: [{ id: 'c', alias: 'overran', display_name: 'Overran', sql: ['real_min > plan_min'], synonyms: ['overran'] }] },
  } as SerializedSpace['instructions'],
};
const sqlOf = (q: string) => {
  const reply = answerQuestion(space, catalog, q);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};

describe('general readings of the simulated Genie', () => {
  it('chooses between two keys to the same table by the word that the key column abbreviates', () => {
    expect(sqlOf('Number of runs per district of origin')).toContain('r.org_yd = y.yd_cd');
    expect(sqlOf('Number of runs per district of destination')).toContain('r.dst_yd = y.yd_cd');
  });

  it('dates a ledger without a date by the one table it refers to', () => {
    expect(sqlOf('What were the total takings in 2024?')).toMatch(/JOIN main\.rail\.run_jnl \w+ ON .*year\(\w+\.run_dt\) = 2024/);
  });

  it('reads a share without a copula, its condition from the clause after the subject', () => {
    expect(parseQuestion('what proportion of late runs overran').share).toEqual({ subject: ['late', 'run'], concept: ['overran'], percent: false });
    expect(parseQuestion('What percentage of runs started in 2024 overran?').share).toMatchObject({ subject: ['run'], concept: ['overran'] });
    expect(sqlOf('what proportion of runs overran')).toContain('AVG(CASE WHEN real_min > plan_min THEN 1.0 ELSE 0.0 END)');
  });

  it('reads the noun a question opens with as its measure, and a counted noun without its verb', () => {
    expect(parseQuestion('Takings per month in 2023?')).toMatchObject({ measurePhrase: ['taking'], grain: 'MONTH' });
    expect(parseQuestion('Share of takings by class').measurePhrase).toBeUndefined();
    expect(parseQuestion('how many runs overran in 2023').countNoun).toEqual(['run']);
    expect(parseQuestion('how many sales orders were placed').countNoun).toEqual(['sale', 'order']);
    // a possessive ends the owner's phrase: the grouping is the owner
    expect(parseQuestion("How much did each district's runs earn?").groupPhrases).toEqual([['district']]);
  });

  it('reads a state of a row from two of its columns: "over <qualifier> <noun>", "more <noun> than <qualifier>"', () => {
    const bare: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.rail.run_jnl' }] }, instructions: { text_instructions: [], example_question_sqls: [] } };
    const ask = (q: string) => { const r = answerQuestion(bare, catalog, q); return r.kind === 'query' ? r.sql.replace(/\s+/g, ' ') : `TEXT: ${r.text}`; };
    expect(ask('How many runs went over their planned minutes?')).toContain('WHERE real_min > plan_min');
    expect(ask('How many runs took more minutes than planned?')).toContain('WHERE real_min > plan_min');
    expect(ask('How many runs came in under plan?')).toContain('WHERE real_min < plan_min');
    // a number after "over" is a compared number, not a column
    expect(ask('How many runs took over 30 minutes?')).not.toContain('plan_min');
  });

  it('counts the rows of the one table whose key names the other table in the role the noun abbreviates', () => {
    expect(sqlOf('How many originations were there per yard?')).toMatch(/COUNT\(\*\).*FROM main\.rail\.run_jnl r JOIN main\.rail\.yard_ref y ON r\.org_yd = y\.yd_cd GROUP BY y\.yd_nm/);
  });

  it('gives a percentage as a fraction once an instruction says so', () => {
    const q = 'What percentage of runs overran?';
    expect(sqlOf(q)).toContain('100.0 * AVG(CASE');
    const fractions = { ...space, instructions: { ...space.instructions!, text_instructions: [{ id: 'f', content: ['Give shares and percentages as fractions between 0 and 1, not multiplied by 100.'] }] } };
    const reply = answerQuestion(fractions, catalog, q);
    expect(reply.kind === 'query' ? reply.sql : reply.text).toMatch(/SELECT AVG\(CASE/);
  });

  it('reads "share of <measure> that came from <part>" as a part of the total, not a share of rows', () => {
    const classes: CatalogSnapshot = { ...catalog, tables: catalog.tables.map((t) => (t.identifier.endsWith('fare_ln') ? { ...t, values: { cls: ['FIRST', 'SECOND'] } } : t)) };
    const reply = answerQuestion(space, classes, 'What share of takings came from first class?');
    expect(reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : reply.text).toContain("SUM(CASE WHEN cls = 'FIRST' THEN tk_amt ELSE 0 END) / SUM(tk_amt)");
    expect(parseQuestion('What share of runs were late?').shareOfTotal).toBeUndefined();
  });

  it('does not apply a filter whose words follow "including"', () => {
    expect(sqlOf('How many runs were there, including the overran ones?')).not.toContain('real_min > plan_min');
    expect(sqlOf('How many runs overran?')).toContain('real_min > plan_min');
  });
});
