import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import {
  createGenieSpacesClient, createRestClient, createSqlWarehouseClient, planLoop, silentLogger,
  type ChatModel, type ChatRequest, type Fix, type QuestionResult,
} from '@genie-enhancer/shared';

const dataset = join(import.meta.dirname, '..', 'datasets', 'kpi-retail');
const failure: QuestionResult = {
  question_id: 'q1', question: 'How many premium customers are there?', verdict: 'fail', reason_code: 'VALUE_DIFFERENCE', reason: 'values differ',
  expected_sql: "SELECT COUNT(*) FROM main.retail.customers WHERE tier IN ('Gold', 'Silver')", genie_sql: 'SELECT COUNT(*) FROM main.retail.customers', duration_ms: 1,
};
const grounded: Fix = { kind: 'sql_snippet', snippet_type: 'filter', alias: 'top_tier', display_name: 'Top tier', sql: "tier IN ('Gold', 'Silver')", synonyms: ['premium'], rationale: 'r' };
const invented: Fix = { kind: 'text_instruction', content: "Exclude rows where main.retail.customers.tier = 'Diamond' unless asked.", rationale: 'r' };
const inventedInList: Fix = { ...grounded, alias: 'vip', sql: "c.tier IN ('Gold', 'VIP')" } as Fix;

/** The planner's LLM (an external service, not one of our clients): answers with fixed fixes, records the prompt. */
function scriptedModel(fixes: Fix[]): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return { requests, complete: async (request) => { requests.push(request); return { content: JSON.stringify({ fixes }), model: 'scripted' }; } };
}

describe('plan grounded in the data', () => {
  let sim: Simulator;
  beforeAll(async () => { sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 5 }); });
  afterAll(async () => { await sim?.close(); });

  it('the prompt carries the distinct values of low-cardinality text columns and their types; a fix citing an absent value is rejected', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const warehouse = createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId });
    const model = scriptedModel([grounded, invented, inventedInList]);
    const record = await planLoop(
      { spaces: createGenieSpacesClient(rest), warehouse, model, logger: silentLogger },
      { spaceId: sim.spaces[0].space_id, failures: [failure], benchmark: [] },
    );
    const values = JSON.parse(/```json values\n([\s\S]*?)\n```/.exec(model.requests[0].user)![1]) as { table: string; column: string; type: string; values: string[] }[];
    expect(values.find((v) => v.column === 'tier')).toEqual({ table: 'main.retail.customers', column: 'tier', type: 'VARCHAR', values: ['Bronze', 'Gold', 'Silver'] });
    // names (one per row) have too many values to be listed; at most 12 columns of at most 12 values
    expect(values.some((v) => v.column === 'cust_nm')).toBe(false);
    expect(values.length).toBeLessThanOrEqual(12);
    expect(values.every((v) => v.values.length <= 12)).toBe(true);

    expect(record.proposed).toEqual([grounded]);
    expect(record.rejected).toEqual([
      { fix: invented, reason: "grounding: filters main.retail.customers.tier on 'Diamond', a value that does not occur in the data (it holds 'Bronze', 'Gold', 'Silver')" },
      { fix: inventedInList, reason: "grounding: filters main.retail.customers.tier on 'VIP', a value that does not occur in the data (it holds 'Bronze', 'Gold', 'Silver')" },
    ]);
  });

  it('a lever switched off for the run is rejected with the reason and left out of the schema the model is shown', async () => {
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const model = scriptedModel([grounded]);
    const record = await planLoop(
      { spaces: createGenieSpacesClient(rest), warehouse: createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId }), model, logger: silentLogger },
      { spaceId: sim.spaces[0].space_id, failures: [failure], benchmark: [], levers: ['metadata', 'text_instruction'] },
    );
    expect(record.proposed).toEqual([]);
    expect(record.rejected).toEqual([{ fix: grounded, reason: 'lever sql_snippet is switched off for this run' }]);
    expect(JSON.stringify(model.requests[0].jsonSchema?.schema)).not.toContain('sql_snippet');
    expect(model.requests[0].user).toContain('"text_instruction"');
  });
});
