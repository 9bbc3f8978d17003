import { describe, expect, it } from 'vitest';
import { mergeFixes, type Fix, type SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';
import { simulatedCompletion } from '../src/model/planner-model.ts';

/**
 * Readings a domain nobody here wrote needs: abbreviated names, a status code, a state defined by two columns of one
 * row, a count of what a numeric column measures, periods as numbers, an exclusion rule. Schema of its own.
 */
const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.ops.depot_ref', columns: [{ name: 'dep_cd', type: 'STRING' }, { name: 'dep_nm', type: 'STRING' }], values: { dep_cd: ['D1', 'D2'], dep_nm: ['Harbour', 'Upland'] }, sampledValues: {} },
    {
      identifier: 'main.ops.trip_log',
      columns: [{ name: 'trip_no', type: 'BIGINT' }, { name: 'dep_cd', type: 'STRING' }, { name: 'plan_dt', type: 'DATE' }, { name: 'arr_dt', type: 'DATE' }, { name: 'km', type: 'DOUBLE' }, { name: 'st', type: 'STRING' }, { name: 'cls', type: 'INT' }],
      values: { st: ['A', 'V'], dep_cd: ['D1', 'D2'] },
      sampledValues: {},
    },
  ],
  metricViews: [],
};
const thin: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.ops.depot_ref' }, { identifier: 'main.ops.trip_log' }] }, instructions: { text_instructions: [], example_question_sqls: [] } };
const sqlOf = (space: SerializedSpace, q: string) => {
  const reply = answerQuestion(space, catalog, q);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};
const plan = (space: SerializedSpace, failures: { question: string; expected_sql: string; genie_sql?: string }[]) => {
  const prompt = `\`\`\`json space\n${JSON.stringify(space)}\n\`\`\`\n\`\`\`json failures\n${JSON.stringify(failures.map((f, i) => ({ question_id: `q${i}`, ...f })))}\n\`\`\``;
  return (JSON.parse(simulatedCompletion([{ role: 'user', content: prompt }], catalog, 'planner').content) as { fixes: Fix[] }).fixes;
};
const withAnswers = (space: SerializedSpace, failures: { question: string; expected_sql: string }[]) =>
  failures.map((f) => { const r = answerQuestion(space, catalog, f.question); return { ...f, ...(r.kind === 'query' ? { genie_sql: r.sql } : {}) }; });

const described: SerializedSpace = {
  ...thin,
  data_sources: { tables: [{ identifier: 'main.ops.depot_ref' }, { identifier: 'main.ops.trip_log', description: ['One row per trip.'], column_configs: [{ column_name: 'km', synonyms: ['kilometre'] }] }] },
  instructions: {
    text_instructions: [{ id: 'a', content: ["Exclude rows where main.ops.trip_log.st = 'V' unless the question asks for them."] }, { id: 'b', content: ['Group by month as the month number, month(<date>), not the first day of the month.'] }],
    example_question_sqls: [],
    sql_snippets: { filters: [{ id: 'f1', sql: ['arr_dt > plan_dt'], display_name: 'Tardy', synonyms: ['tardy'] }, { id: 'f2', sql: ["st = 'V'"], display_name: 'Voided', synonyms: ['voided'] }] },
  },
};

describe('simulated Genie: readings for domains nobody here wrote', () => {
  it('reads "what share of X were Y" as the fraction of X rows where Y holds, other conditions choosing the rows', () => {
    expect(sqlOf(described, 'What share of trips in 2024 were tardy?')).toBe("SELECT AVG(CASE WHEN (arr_dt > plan_dt) THEN 1.0 ELSE 0.0 END) AS share FROM main.ops.trip_log WHERE st <> 'V' AND year(plan_dt) = 2024");
    expect(sqlOf(described, 'What percentage of trips were tardy?')).toContain('100.0 * AVG(CASE WHEN');
    // a share whose condition nothing names is a question back, not a guess
    expect(sqlOf(described, 'What share of trips were bumpy?')).toMatch(/^TEXT: What makes trip count as "bumpy"\?/);
  });

  it('reads "how many <what a numeric column measures>" as its total, and with "average" as its average', () => {
    expect(sqlOf(described, 'How many kilometres were driven in 2023?')).toBe("SELECT SUM(km) AS sum_km FROM main.ops.trip_log WHERE st <> 'V' AND year(plan_dt) = 2023");
    expect(sqlOf(described, 'What is the average number of kilometres per trip?')).toBe("SELECT AVG(km) AS avg_km FROM main.ops.trip_log WHERE st <> 'V'");
    expect(sqlOf(described, 'How many trips were there?')).toContain('COUNT(*)');
  });

  it('groups by the month number when an instruction says so, by the first day otherwise', () => {
    expect(sqlOf(described, 'How many trips were planned in each month of 2024?')).toContain('GROUP BY month(plan_dt)');
    expect(sqlOf({ ...described, instructions: { ...described.instructions!, text_instructions: [] } }, 'How many trips were planned in each month of 2024?')).toContain("GROUP BY date_trunc('MONTH', plan_dt)");
  });

  it('drops an exclusion rule when the question groups by, filters on or includes its column', () => {
    expect(sqlOf(described, 'How many trips are there by st?')).not.toContain("st <> 'V'");
    expect(sqlOf(described, 'How many voided trips were there?')).toBe("SELECT COUNT(*) AS row_count FROM main.ops.trip_log WHERE st = 'V'");
    expect(sqlOf(described, 'How many trips were there, voided ones included?')).not.toContain("<> 'V'");
    expect(sqlOf(described, 'How many tardy trips were there?')).toContain("st <> 'V'");
  });
});

describe('simulated planner: fixes for those readings, from the difference between expected SQL and Genie', () => {
  it('names a two-column condition by the word only its questions use, and Genie then applies it', () => {
    const failures = withAnswers(thin, [
      { question: 'How many trips were tardy in 2024?', expected_sql: 'SELECT COUNT(*) FROM main.ops.trip_log WHERE arr_dt > plan_dt AND year(plan_dt) = 2024' },
      { question: 'How many trips were planned in 2023?', expected_sql: 'SELECT COUNT(*) FROM main.ops.trip_log WHERE year(plan_dt) = 2023' },
    ]);
    const fixes = plan(thin, failures);
    const snippet = fixes.find((f) => f.kind === 'sql_snippet' && f.snippet_type === 'filter');
    expect(snippet).toMatchObject({ sql: 'arr_dt > plan_dt', synonyms: ['tardy'] });
    const merged = mergeFixes(thin, fixes).space;
    expect(sqlOf(merged, 'How many tardy trips were there in 2022?')).toContain('arr_dt > plan_dt');
  });

  it('a count answered by a total gets the noun as the column\'s synonym; month numbers get their instruction', () => {
    const fixes = plan(thin, withAnswers(thin, [
      { question: 'How many kilometres were driven in 2024?', expected_sql: 'SELECT SUM(km) FROM main.ops.trip_log WHERE year(plan_dt) = 2024' },
    ]));
    expect(fixes).toContainEqual(expect.objectContaining({ kind: 'metadata', column: 'km', synonyms: ['kilometre'] }));
    const monthly = plan(described, [{ question: 'How many trips were planned per month in 2024?', expected_sql: 'SELECT month(plan_dt), COUNT(*) FROM main.ops.trip_log GROUP BY month(plan_dt)', genie_sql: "SELECT date_trunc('MONTH', plan_dt) AS month, COUNT(*) FROM main.ops.trip_log GROUP BY date_trunc('MONTH', plan_dt)" }]);
    expect(monthly.some((f) => f.kind === 'text_instruction' && /^Group by month as the month number/.test(f.content))).toBe(false); // the space already says so
    const fresh = plan(thin, [{ question: 'How many trips were planned per month in 2024?', expected_sql: 'SELECT month(plan_dt), COUNT(*) FROM main.ops.trip_log GROUP BY month(plan_dt)', genie_sql: "SELECT date_trunc('MONTH', plan_dt) AS month, COUNT(*) FROM main.ops.trip_log GROUP BY date_trunc('MONTH', plan_dt)" }]);
    expect(fresh.some((f) => f.kind === 'text_instruction' && /^Group by month as the month number/.test(f.content))).toBe(true);
  });

  it('never claims a row grain the table\'s key contradicts: rows that refer to the counted entity are not one per it', () => {
    const fixes = plan(thin, withAnswers(thin, [{ question: 'How many depots are there?', expected_sql: 'SELECT COUNT(*) FROM main.ops.trip_log' }]));
    expect(fixes.filter((f) => f.kind === 'metadata' && f.table === 'main.ops.trip_log' && f.description)).toEqual([]);
  });
});
