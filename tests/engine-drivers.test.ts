import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, openWorkspace, RunConfig, runInline, runView, type RunState } from '@genie-enhancer/shared';
import { startInProcessRuntime, type InProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const dataset = join(root, 'datasets', 'kpi-retail');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function simulator(genieNoise?: { probability: number; seed: number }): Promise<Simulator> {
  const sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 20, ...(genieNoise ? { genieNoise } : {}) });
  opened.push(sim);
  return sim;
}

const configFor = (sim: Simulator, overrides: Partial<RunConfig> = {}) =>
  RunConfig.parse({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, max_loops: 3, genie_concurrency: 4, question_timeout_s: 30, split_seed: 'scenario-1', auto_promote: true, ...overrides });

async function inline(sim: Simulator, config: RunConfig, onPreflightPassed?: () => void, benchmark = questions): Promise<RunState> {
  const workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
  opened.push(workspace);
  const result = await runInline(
    { genie: workspace.genie, spaces: workspace.spaces, warehouse: workspace.warehouse(config.warehouse_id), model: workspace.model(config.llm_endpoint) },
    { config, questions: benchmark, onProgress: (e) => e.type === 'stage_end' && e.stage === 'preflight' && onPreflightPassed?.() },
  );
  return result.state;
}

async function queued(sim: Simulator, config: RunConfig, onPreflightPassed?: () => void, benchmark = questions): Promise<RunState> {
  const t: TestRedis = await testRedis('drivers');
  opened.push({ close: () => t.cleanup() });
  const runtime: InProcessRuntime = await startInProcessRuntime(sim, t);
  opened.push(runtime);
  if (onPreflightPassed) for (const w of runtime.workers) w.on('completed', (job) => job.name === 'preflight' && onPreflightPassed());
  await runtime.start('run-under-test', config, benchmark);
  return runtime.finished('run-under-test');
}

/** What a user sees of a run, without its id: decisions, scores and fixes of every loop. */
function outcome(state: RunState) {
  const { run_id: _id, ...view } = runView(state);
  return { view, applied: state.loops.map((l) => l.apply?.applied ?? []), proposed: state.loops.map((l) => l.plan?.proposed ?? []) };
}

describe('one run engine, two drivers', () => {
  it('makes the same decisions, scores and fixes in memory and over BullMQ for the same scenario', async () => {
    const inMemory = await inline(await simulator(), configFor(await simulator()));
    const simB = await simulator();
    const overQueues = await queued(simB, configFor(simB));

    expect(inMemory.status).toBe('promoted');
    expect(inMemory.loops.length).toBeGreaterThanOrEqual(2);
    expect(inMemory.loops.slice(1).some((l) => (l.apply?.applied.length ?? 0) > 0)).toBe(true);
    expect(outcome(overQueues)).toEqual(outcome(inMemory));
  });

  it('with repeats and a noisy Genie: the same decisions and pass counts in both drivers', async () => {
    const noise = { probability: 0.1, seed: 7 };
    const benchmark = questions.slice(0, 12);
    const simA = await simulator(noise);
    // in place: the noise is drawn per space id, and each driver would make a staging copy with its own random id
    const inMemory = await inline(simA, configFor(simA, { repeats: 2, max_loops: 2, in_place: true }), undefined, benchmark);
    const simB = await simulator(noise);
    const overQueues = await queued(simB, configFor(simB, { repeats: 2, max_loops: 2, in_place: true }), undefined, benchmark);
    expect(inMemory.loops[0].pass?.outcomes.every((o) => o.repeats.length === 2)).toBe(true);
    expect(inMemory.loops[0].pass?.interval[0]).toBeLessThanOrEqual(inMemory.loops[0].pass!.score);
    // which repeat got which answer may differ with concurrency; the counts the gate uses may not
    const counts = (state: RunState) => state.loops.map((l) => ({ loop: l.loop, passes: l.pass?.outcomes.map((o) => o.passes), gate: l.gate?.accepted, decision: l.decision }));
    expect(counts(overQueues)).toEqual(counts(inMemory));
  });

  it.each([['in memory', inline], ['over BullMQ', queued]] as const)('%s: a wrong warehouse id fails the run in preflight, naming the warehouse', async (_name, drive) => {
    const sim = await simulator();
    const state = await drive(sim, configFor(sim, { warehouse_id: 'ffffffffffffffff' }));
    expect(state.status).toBe('failed');
    expect(state.error).toMatch(/^preflight: preflight failed: warehouse ffffffffffffffff: /);
    expect(state.loops[0].pass).toBeUndefined();
  });

  it.each([['in memory', inline], ['over BullMQ', queued]] as const)('%s: a warehouse killed after preflight fails the run as unreachable, not as benchmark errors', async (_name, drive) => {
    const sim = await simulator();
    // a few questions: each is retried with backoff before the outage is final, which is what takes the time
    const state = await drive(sim, configFor(sim, { question_timeout_s: 5 }), () => void sim.stopWarehouse(), questions.slice(0, 3));
    expect(state.status).toBe('failed');
    expect(state.error).toContain('score: warehouse unreachable');
    expect(state.error).toContain(sim.warehousePath);
    expect(state.loops[0].pass).toBeUndefined();
  });
  it.each([['in memory', inline], ['over BullMQ', queued]] as const)('%s: a question the benchmark check leaves out is never asked of Genie', async (_name, drive) => {
    const sim = await simulator();
    const empty = { id: 'empty-1', question: 'How many stores are there with no name at all?', expected_sql: 'SELECT COUNT(*) AS stores FROM main.retail.stores WHERE 1 = 0 GROUP BY 1' };
    const benchmark = [...questions.slice(0, 5), empty];
    const state = await drive(sim, configFor(sim, { max_loops: 1, in_place: true, holdout: 0 }), undefined, benchmark);
    expect(state.excluded?.map((e) => e.question_id)).toEqual(['empty-1']);
    const passes = state.loops.filter((l) => l.pass).length;
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(state.loops.every((l) => !l.pass || l.pass.outcomes.every((o) => o.question_id !== 'empty-1'))).toBe(true);
    expect(sim.requestLog.filter((r) => r.kind === 'genie_question')).toHaveLength(5 * passes);
  });
});
