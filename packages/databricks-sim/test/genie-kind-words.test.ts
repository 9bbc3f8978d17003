import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';

const catalog: CatalogSnapshot = {
  tables: [{ identifier: 'main.farm.harvests', columns: [{ name: 'picked_on', type: 'DATE' }, { name: 'yield_qty', type: 'DOUBLE' }], values: {} }],
  metricViews: [],
};
const space: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.farm.harvests' }] } };
const sqlOf = (s: SerializedSpace, c: CatalogSnapshot, question: string) => {
  const reply = answerQuestion(s, c, question);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};

describe('a column named without its closing kind word', () => {
  it('"total yield" is the yield_qty column, less surely than its full name or another column named so', () => {
    expect(sqlOf(space, catalog, 'What is the total yield in 2024?')).toBe('SELECT SUM(yield_qty) AS sum_yield_qty FROM main.farm.harvests WHERE year(picked_on) = 2024');
    const withYield: CatalogSnapshot = { ...catalog, tables: [{ ...catalog.tables[0], columns: [...catalog.tables[0].columns, { name: 'yield', type: 'DOUBLE' }] }] };
    expect(sqlOf(space, withYield, 'What is the total yield in 2024?')).toContain('SUM(yield) AS sum_yield');
  });

  it('"by soil" is the soil code; "by farm" is the farm table\'s name, not the code that keys it', () => {
    const farms: CatalogSnapshot = {
      tables: [
        { identifier: 'main.farm.harvests', columns: [{ name: 'farm_cd', type: 'STRING' }, { name: 'soil_cd', type: 'STRING' }, { name: 'tonnes', type: 'DOUBLE' }], values: { soil_cd: ['CL', 'SA'] } },
        { identifier: 'main.farm.farms', columns: [{ name: 'farm_cd', type: 'STRING' }, { name: 'farm_nm', type: 'STRING' }], values: {} },
      ],
      metricViews: [],
    };
    const join = 'Join main.farm.harvests to main.farm.farms on main.farm.harvests.farm_cd = main.farm.farms.farm_cd.';
    const joined: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.farm.farms' }, { identifier: 'main.farm.harvests' }] }, instructions: { text_instructions: [{ id: 'j', content: [join] }] } };
    const sql = (q: string) => sqlOf(joined, farms, q);
    expect(sql('What are the total tonnes by soil?')).toMatch(/GROUP BY soil_cd$/);
    expect(sql('What are the total tonnes by farm?')).toMatch(/GROUP BY f\.farm_nm$/);
  });
});
