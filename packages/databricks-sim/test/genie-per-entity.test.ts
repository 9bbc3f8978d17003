import { describe, expect, it } from 'vitest';
import type { SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../src/catalog.types.ts';
import { answerQuestion } from '../src/genie/genie-engine.ts';

const catalog: CatalogSnapshot = {
  tables: [
    { identifier: 'main.fleet.drivers', columns: [{ name: 'driver_id', type: 'BIGINT' }, { name: 'driver_nm', type: 'STRING' }], values: {} },
    { identifier: 'main.fleet.trips', columns: [{ name: 'trip_id', type: 'BIGINT' }, { name: 'driver_id', type: 'BIGINT' }, { name: 'fare', type: 'DOUBLE' }, { name: 'started_on', type: 'DATE' }], values: {} },
  ],
  metricViews: [],
};
const join = 'Join main.fleet.trips to main.fleet.drivers on main.fleet.trips.driver_id = main.fleet.drivers.driver_id.';
const space: SerializedSpace = { version: 2, data_sources: { tables: [{ identifier: 'main.fleet.drivers' }, { identifier: 'main.fleet.trips' }] }, instructions: { text_instructions: [{ id: 'j', content: [join] }] } };
const sqlOf = (question: string) => {
  const reply = answerQuestion(space, catalog, question);
  return reply.kind === 'query' ? reply.sql.replace(/\s+/g, ' ') : `TEXT: ${reply.text}`;
};

describe('an average per entity of another table', () => {
  it('"average <measure> per <entity>" is the total over the entities the rows reference, one number', () => {
    expect(sqlOf('What is the average fare per driver in 2024?')).toBe('SELECT SUM(fare) / COUNT(DISTINCT driver_id) AS avg_fare FROM main.fleet.trips WHERE year(started_on) = 2024');
  });

  it('"by <entity>" still groups, and a total per entity still groups', () => {
    expect(sqlOf('What is the average fare by driver?')).toMatch(/AVG\(t\.fare\) .* GROUP BY d\.driver_nm$/);
    expect(sqlOf('What is the total fare per driver?')).toMatch(/SUM\(t\.fare\) .* GROUP BY d\.driver_nm$/);
  });
});
