import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { applyFixes, countInstructions, createGenieSpacesClient, createRestClient, createSqlWarehouseClient, parseSerializedSpace, sqlFunctionDdl, type Fix } from '@genie-enhancer/shared';

const dataset = join(import.meta.dirname, '..', 'datasets', 'cargo-levers');
const netOf: Fix = {
  kind: 'sql_function', identifier: 'main.cargo.net_of', parameters: [{ name: 'gross', type: 'DECIMAL(10,2)' }, { name: 'rebate', type: 'DECIMAL(10,2)' }],
  returns: 'DECIMAL(10,2)', body: 'gross - coalesce(rebate, 0)', comment: "Net fee: gross minus the customer's rebate", rationale: 'r',
};
const broken: Fix = { ...netOf, identifier: 'main.cargo.broken', body: 'gross -' } as Fix;

describe('SQL functions as a lever: created through the warehouse, then listed in the space', () => {
  let sim: Simulator;
  beforeAll(async () => { sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 5 }); });
  afterAll(async () => { await sim?.close(); });

  it('writes one CREATE FUNCTION statement', () => {
    expect(sqlFunctionDdl(netOf as Extract<Fix, { kind: 'sql_function' }>)).toBe(
      "CREATE OR REPLACE FUNCTION main.cargo.net_of(gross DECIMAL(10,2), rebate DECIMAL(10,2)) RETURNS DECIMAL(10,2) COMMENT 'Net fee: gross minus the customer''s rebate' RETURN gross - coalesce(rebate, 0)",
    );
    expect(() => sqlFunctionDdl({ ...netOf, body: '1; DROP TABLE x' } as Extract<Fix, { kind: 'sql_function' }>)).toThrow(/one expression/);
  });

  it('creates the function, lists it (one instruction each), and leaves out one whose DDL fails, with the reason', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const warehouse = createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId });
    const spaceId = sim.spaces[0].space_id;
    const before = countInstructions(parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space));
    const result = await applyFixes({ spaces: createGenieSpacesClient(rest), warehouse }, { spaceId, fixes: [netOf, broken] });
    expect(result.applied).toEqual([netOf]);
    expect(result.skipped).toEqual([{ fix: broken, reason: expect.stringMatching(/^SQL function DDL failed: /) }]);
    const space = parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space);
    expect(space.instructions?.sql_functions?.map((f) => f.identifier)).toEqual(['main.cargo.net_of']);
    expect(countInstructions(space)).toBe(before + 1);
    const called = await warehouse.query('SELECT main.cargo.net_of(10.50, 3.25) AS net, SUM(main.cargo.net_of(gross_fee, rebate_fee)) = SUM(gross_fee - rebate_fee) AS same FROM main.cargo.shipments');
    expect(called.rows.map((r) => r.map(String))).toEqual([['7.25', 'true']]);
  });
});
