import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, openWorkspace, parseSerializedSpace, RunConfig, runInline, type RunState } from '@genie-enhancer/shared';
import { HARMFUL, plannerWithOneHarmfulFix } from './helpers/harmful-planner.ts';
import { startInProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function scenario() {
  const sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20 });
  opened.push(sim);
  const spaceId = sim.spaces[0].space_id;
  const config = RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, max_loops: 4, genie_concurrency: 4, holdout: 0, in_place: true });
  const spaceNow = () => sim.getSpace(spaceId)!.serialized_space;
  const instructionsNow = () => (parseSerializedSpace(spaceNow()).instructions?.text_instructions ?? []).map((t) => t.content.join(''));
  return { sim, spaceId, config, spaceNow, instructionsNow };
}

function expectRolledBackThenKept(state: RunState) {
  const [, first, second] = state.loops;
  expect(first.gate?.accepted).toBe(false);
  expect(first.gate?.regressed.length).toBeGreaterThanOrEqual(2);
  expect(first.rolled_back).toBe(true);
  expect(first.apply?.applied).toContainEqual(HARMFUL);
  expect(second.gate?.accepted).toBe(true);
  expect(second.apply?.applied).not.toContainEqual(HARMFUL);
  expect(state.accepted_pass).toBe([...state.loops].reverse().find((l) => l.gate?.accepted)!.loop);
  expect(state.status).toBe('completed');
  expect(state.work_space_id).toBe(state.config.space_id);
}

describe('the gate rolls back a harmful change and the run goes on', () => {
  it('in memory: the space after the rollback is byte for byte the snapshot; the run ends on the best kept configuration', async () => {
    const { sim, config, spaceNow, instructionsNow } = await scenario();
    const workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    opened.push(workspace);
    const afterRollback: string[] = [];
    const result = await runInline(
      { genie: workspace.genie, spaces: workspace.spaces, warehouse: workspace.warehouse(config.warehouse_id), model: plannerWithOneHarmfulFix()(workspace.model(config.llm_endpoint)) },
      { config, questions, onProgress: (e) => e.type === 'stage_end' && e.stage === 'rollback' && afterRollback.push(spaceNow()) },
    );
    expect(afterRollback).toEqual([result.backups[1]]);
    expectRolledBackThenKept(result.state);
    expect(result.final_score).toBeGreaterThan(result.initial_score!);
    expect(instructionsNow()).not.toContain(HARMFUL.content);
  });

  it('over BullMQ: the same rollback, verified the same way', async () => {
    const { sim, config, spaceNow, instructionsNow } = await scenario();
    const t = await testRedis('gate');
    opened.push({ close: () => t.cleanup() });
    const runtime = await startInProcessRuntime(sim, t, { wrapModel: plannerWithOneHarmfulFix() });
    opened.push(runtime);
    const afterRollback: Promise<string>[] = [];
    for (const w of runtime.workers) w.on('completed', (job) => job.name === 'rollback' && afterRollback.push(Promise.resolve(spaceNow())));
    await runtime.start('gated-run', config, questions);
    const state = await runtime.finished('gated-run');
    expect(await Promise.all(afterRollback)).toEqual([await runtime.store.backup('gated-run', 1)]);
    expectRolledBackThenKept(state);
    expect(instructionsNow()).not.toContain(HARMFUL.content);
  });
});
