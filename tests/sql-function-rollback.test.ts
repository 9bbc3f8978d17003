import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '@genie-enhancer/databricks-sim';
import {
  applyFixes,
  BenchmarkFile,
  discardCopy,
  openWorkspace,
  parseSerializedSpace,
  rollbackLoop,
  RunConfig,
  runInline,
  silentLogger,
  type ChatModel,
  type Fix,
} from '@genie-enhancer/shared';
import { HARMFUL, plannerWithOneHarmfulFix } from './helpers/harmful-planner.ts';
import { startInProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

const DOUBLED: Fix = {
  kind: 'sql_function', identifier: 'main.retail.doubled', parameters: [{ name: 'x', type: 'DECIMAL(12,2)' }], returns: 'DECIMAL(12,2)', body: 'x * 2', rationale: 'slipped in by the test',
};

/** The harmful planner's first answer also creates a SQL function. */
function plannerWithHarmfulFixAndFunction() {
  const harmful = plannerWithOneHarmfulFix();
  let calls = 0;
  return (model: ChatModel): ChatModel => {
    const inner = harmful(model);
    return {
      ...inner,
      async complete(request) {
        const response = await inner.complete(request);
        if (++calls > 1) return response;
        const answer = JSON.parse(response.content) as { fixes: unknown[] };
        return { ...response, content: JSON.stringify({ ...answer, fixes: [...answer.fixes, DOUBLED] }) };
      },
    };
  };
}

async function scenario() {
  const sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20 });
  opened.push(sim);
  const workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
  opened.push(workspace);
  const spaceId = sim.spaces[0].space_id;
  const warehouse = workspace.warehouse(sim.warehouseId);
  const functionsListed = (id: string) => (parseSerializedSpace(sim.getSpace(id)!.serialized_space).instructions?.sql_functions ?? []).map((f) => f.identifier);
  const callDoubled = () => warehouse.query('SELECT main.retail.doubled(2.50) AS d');
  return { sim, workspace, spaceId, warehouse, functionsListed, callDoubled };
}

describe('a rollback or a discard drops the SQL functions the loop created', () => {
  it('a harmful loop that created a function is rolled back: the function is gone from the warehouse and the space; a retried rollback is harmless', async () => {
    const { sim, workspace, spaceId, warehouse, functionsListed, callDoubled } = await scenario();
    const config = RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, max_loops: 2, genie_concurrency: 4, holdout: 0, in_place: true });
    const listedDuringLoop: string[][] = [];
    const result = await runInline(
      { genie: workspace.genie, spaces: workspace.spaces, warehouse, model: plannerWithHarmfulFixAndFunction()(workspace.model(config.llm_endpoint)) },
      { config, questions, onProgress: (e) => e.type === 'stage_end' && e.stage === 'apply' && listedDuringLoop.push(functionsListed(spaceId)) },
    );
    const first = result.state.loops[1];
    expect(first.apply?.applied).toEqual(expect.arrayContaining([HARMFUL, DOUBLED]));
    expect(first.apply?.sql_functions_created).toEqual(['main.retail.doubled']);
    expect(listedDuringLoop[0]).toContain('main.retail.doubled');
    expect(first.gate?.accepted).toBe(false);
    expect(first.rolled_back).toBe(true);
    expect(functionsListed(spaceId)).not.toContain('main.retail.doubled');
    await expect(callDoubled()).rejects.toThrow(/doubled/i);
    // the process died after the DROP, before the engine heard of it: the retry finds nothing to drop and succeeds
    const deps = { spaces: workspace.spaces, warehouse, model: workspace.model(config.llm_endpoint), benchmarkWarehouse: warehouse, logger: silentLogger };
    await rollbackLoop(deps, { spaceId, snapshot: result.backups[1], metricViews: [], sqlFunctions: ['main.retail.doubled'] });
    await expect(callDoubled()).rejects.toThrow(/doubled/i);
  });

  it('over BullMQ: the rollback job drops the function too', async () => {
    const { sim, spaceId, functionsListed, callDoubled } = await scenario();
    const config = RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, max_loops: 2, genie_concurrency: 4, holdout: 0, in_place: true });
    const t = await testRedis('fn-rollback');
    opened.push({ close: () => t.cleanup() });
    const runtime = await startInProcessRuntime(sim, t, { wrapModel: plannerWithHarmfulFixAndFunction() });
    opened.push(runtime);
    await runtime.start('fn-run', config, questions);
    const state = await runtime.finished('fn-run');
    expect(state.loops[1]).toMatchObject({ rolled_back: true, apply: { sql_functions_created: ['main.retail.doubled'] } });
    expect(functionsListed(spaceId)).not.toContain('main.retail.doubled');
    await expect(callDoubled()).rejects.toThrow(/doubled/i);
  });

  it('a function the space already listed is not the loop\'s to drop', async () => {
    const { workspace, spaceId, warehouse, callDoubled } = await scenario();
    const first = await applyFixes({ spaces: workspace.spaces, warehouse }, { spaceId, fixes: [DOUBLED] });
    expect(first.sql_functions_created).toEqual(['main.retail.doubled']);
    const again = await applyFixes({ spaces: workspace.spaces, warehouse }, { spaceId, fixes: [{ ...DOUBLED, body: 'x + x' } as Fix] });
    expect(again.sql_functions_created ?? []).toEqual([]);
    expect(Number((await callDoubled()).rows[0]?.[0])).toBe(5);
  });

  it('discarding the staging copy drops the functions the run kept', async () => {
    const { workspace, spaceId, warehouse, callDoubled, sim } = await scenario();
    const applied = await applyFixes({ spaces: workspace.spaces, warehouse }, { spaceId, fixes: [DOUBLED] });
    expect(Number((await callDoubled()).rows[0]?.[0])).toBe(5);
    await discardCopy({ spaces: workspace.spaces, warehouse }, { stagingSpaceId: spaceId, metricViews: [], sqlFunctions: applied.sql_functions_created ?? [] });
    await expect(callDoubled()).rejects.toThrow(/doubled/i);
    expect(sim.getSpace(spaceId)).toBeUndefined();
  });
});
