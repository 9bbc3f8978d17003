import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import {
  applyFixes, countInstructions, countSnippets, createGenieSpacesClient, createRestClient, createSqlWarehouseClient, parseSerializedSpace,
  withinLimits, type Fix, type SerializedSpace,
} from '@genie-enhancer/shared';

const dataset = join(import.meta.dirname, '..', 'datasets', 'kpi-retail');
const hex = (n: number) => n.toString(16).padStart(32, '0');
const example = (n: number): Fix => ({ kind: 'example_sql', question: `How many stores opened in year ${n}?`, sql: `SELECT COUNT(*) FROM main.retail.stores WHERE ${n} > 0`, rationale: 'r' });
const measure: Fix = { kind: 'sql_snippet', snippet_type: 'measure', alias: 'net_sales', display_name: 'Net sales', sql: 'SUM(net_amt)', synonyms: ['net sales'], rationale: 'r' };

/** The space with as many example SQLs as make `instructions` instructions (the text block counts one). */
function atInstructions(space: SerializedSpace, instructions: number): SerializedSpace {
  const copy = structuredClone(space);
  copy.instructions = {
    ...copy.instructions,
    text_instructions: [{ id: hex(1), content: ['Amounts are in EUR.\n'] }],
    example_question_sqls: Array.from({ length: instructions - 1 }, (_, i) => ({ id: hex(1000 + i), question: [`Example ${i}`], sql: ['SELECT 1'] })),
  };
  return copy;
}

describe('space limits are enforced before the one update (30 tables, 100 instructions, 200 snippets)', () => {
  let sim: Simulator;
  beforeAll(async () => { sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 5 }); });
  afterAll(async () => { await sim?.close(); });

  it('a space at the instruction limit is not sent over it: the extra example is skipped with the reason, the rest applied', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const spaces = createGenieSpacesClient(rest);
    const id = sim.spaces[0].space_id;
    const full = atInstructions(parseSerializedSpace((await spaces.get(id)).serialized_space), 100);
    await spaces.update(id, { serialized_space: JSON.stringify(full) });
    // the simulator, like the service, refuses a space over the limit
    await expect(spaces.update(id, { serialized_space: JSON.stringify(atInstructions(full, 101)) })).rejects.toThrow(/limit/i);

    const result = await applyFixes({ spaces, warehouse: createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId }) }, { spaceId: id, fixes: [example(1), measure] });
    expect(result.skipped).toEqual([{ fix: example(1), reason: 'the space already has 100 instructions' }]);
    expect(result.applied).toEqual([measure]);
    const after = parseSerializedSpace(sim.getSpace(id)!.serialized_space);
    expect(countInstructions(after)).toBe(100);
    expect(after.instructions?.sql_snippets?.measures?.map((m) => m.alias)).toEqual(['net_sales']);
  });

  it('prunes the last fixes that would push the snippets over 200, each with the reason', () => {
    const space: SerializedSpace = {
      version: 2,
      data_sources: { tables: [{ identifier: 'main.retail.orders', column_configs: Array.from({ length: 199 }, (_, i) => ({ column_name: `c${String(i).padStart(3, '0')}`, synonyms: ['x'] })) }] },
    };
    const described: Fix = { kind: 'metadata', table: 'main.retail.orders', column: 'zz_new', description: 'A new column.', rationale: 'r' };
    const describedToo: Fix = { ...described, column: 'zz_newer' } as Fix;
    const merged = withinLimits(space, [described, describedToo]);
    expect(merged.applied).toEqual([described]);
    expect(merged.skipped).toEqual([{ fix: describedToo, reason: 'pruned: with it the space would have 201 knowledge snippets (limit 200)' }]);
    expect(countSnippets(merged.space)).toBe(200);
  });

  it('refuses every fix when the space is already over a limit, so nothing is written', () => {
    const tables = Array.from({ length: 31 }, (_, i) => ({ identifier: `main.s.t${String(i).padStart(2, '0')}` }));
    const merged = withinLimits({ version: 2, data_sources: { tables } }, [measure]);
    expect(merged.applied).toEqual([]);
    expect(merged.skipped[0].reason).toMatch(/^refused: the space is already over the service's limits \(31 tables and metric views \(limit 30\)\)/);
  });
});
