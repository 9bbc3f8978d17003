import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';
import { periodChangeInstruction, periodChangeRule } from '../src/genie/period-change.ts';
import { periodChangeOf } from '../src/model/period-change-shape.ts';

const catalog: CatalogSnapshot = {
  tables: [
    {
      identifier: 'main.farm.harvests',
      columns: [{ name: 'harvest_id', type: 'BIGINT' }, { name: 'picked_on', type: 'DATE' }, { name: 'crop', type: 'STRING' }, { name: 'yield_qty', type: 'DOUBLE' }, { name: 'tonnes', type: 'DOUBLE' }],
      values: { crop: ['wheat', 'rye'] },
    },
  ],
  metricViews: [],
};
const spaceWith = (instructions: string[]): SerializedSpace => ({
  version: 2,
  data_sources: { tables: [{ identifier: 'main.farm.harvests' }] },
  instructions: { text_instructions: instructions.map((content, i) => ({ id: `i${i}`, content: [content] })) },
});
const reply = (space: SerializedSpace, question: string) => {
  const r = answerQuestion(space, catalog, question);
  return r.kind === 'query' ? r.sql.replace(/\s+/g, ' ') : `TEXT: ${r.text}`;
};

describe('a change between two years', () => {
  it('is not guessed while nothing in the space says how it is measured', () => {
    expect(reply(spaceWith([]), 'What was the tonnes growth from 2023 to 2024?')).toMatch(/^TEXT: Comparing periods needs a rule/);
  });

  it('is the measure of each year combined as the instruction says, for any measure', () => {
    const relative = spaceWith([periodChangeInstruction('relative')]);
    const year = (y: number) => `(SELECT SUM(tonnes) AS sum_tonnes FROM main.farm.harvests WHERE year(picked_on) = ${y})`;
    expect(reply(relative, 'What was the total tonnes growth from 2023 to 2024?')).toBe(`SELECT (${year(2024)} - ${year(2023)}) / ${year(2023)} AS change`);
    // the years in either order, other words, a value filter: the same rule
    expect(reply(relative, 'How did the tonnes of rye change from 2024 to 2022?')).toBe(
      "SELECT ((SELECT SUM(tonnes) AS sum_tonnes FROM main.farm.harvests WHERE crop = 'rye' AND year(picked_on) = 2024) - (SELECT SUM(tonnes) AS sum_tonnes FROM main.farm.harvests WHERE crop = 'rye' AND year(picked_on) = 2022)) / (SELECT SUM(tonnes) AS sum_tonnes FROM main.farm.harvests WHERE crop = 'rye' AND year(picked_on) = 2022) AS change",
    );
    expect(reply(spaceWith([periodChangeInstruction('absolute')]), 'What was the tonnes growth from 2023 to 2024?')).toBe(`SELECT ${year(2024)} - ${year(2023)} AS change`);
    expect(reply(spaceWith([periodChangeInstruction('ratio')]), 'What was the tonnes growth from 2023 to 2024?')).toBe(`SELECT ${year(2024)} / ${year(2023)} AS ratio`);
  });

  it('per group asks back instead of returning one number for all groups', () => {
    expect(reply(spaceWith([periodChangeInstruction('relative')]), 'What was the tonnes growth by crop from 2023 to 2024?')).toMatch(/^TEXT: A change for each group/);
  });

  it('reads the instruction sentence it is written in, and only that', () => {
    for (const kind of ['relative', 'absolute', 'ratio'] as const) expect(periodChangeRule(periodChangeInstruction(kind))).toBe(kind);
    expect(periodChangeRule('Growth matters to us: it is the relative change that counts.')).toBeUndefined();
    expect(periodChangeRule('Exclude rows where main.farm.harvests.crop = \'rye\'.')).toBeUndefined();
  });
});

describe('the change an expected SQL computes', () => {
  const y = (year: number, column = 'tonnes') => `SUM(CASE WHEN year(picked_on) = ${year} THEN ${column} END)`;
  it('is read from one aggregate per year', () => {
    expect(periodChangeOf(`(${y(2024)} - ${y(2023)}) / ${y(2023)}`)).toBe('relative');
    expect(periodChangeOf(`${y(2024)} / ${y(2023)} - 1`)).toBe('relative');
    expect(periodChangeOf(`${y(2024)} - ${y(2023)}`)).toBe('absolute');
    expect(periodChangeOf(`(${y(2024)} / ${y(2023)})`)).toBe('ratio');
  });

  it('is nothing for other shapes', () => {
    expect(periodChangeOf(`${y(2023)} - ${y(2024)}`)).toBeUndefined();
    expect(periodChangeOf(`${y(2024)} + ${y(2023)}`)).toBeUndefined();
    expect(periodChangeOf('SUM(tonnes) / COUNT(*)')).toBeUndefined();
    expect(periodChangeOf(`${y(2024)} - SUM(CASE WHEN crop = 'rye' THEN tonnes END)`)).toBeUndefined();
  });
});
