import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, parseSerializedSpace, RunConfig, type ChatModel, type SerializedSpace } from '@genie-enhancer/shared';
import { readFileSync } from 'node:fs';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';
import { startInProcessRuntime, type InProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 12);
const HAND_EDIT = 'Edited by hand while the run was working: fiscal weeks start on Monday.';

/**
 * Someone edits the space between a loop's plan and its update: the run must not merge the stale plan onto the new
 * space. The engine sends the loop back to plan against the space as it is now; the edit survives, each fix lands once.
 */
describe('an edit of the space between plan and apply re-plans the loop (queue driver, simulator over HTTP)', () => {
  let t: TestRedis;
  let sim: Simulator;
  let proxy: FaultProxy;
  let runtime: InProcessRuntime;
  let spaceId: string;
  let original: string;
  let modelCalls = 0;
  /** runs once, right after the next model call answered (the plan is made; its apply has not read the space) */
  let afterModelCall: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await testRedis('apply-conflict');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 20 });
    spaceId = sim.spaces[0].space_id;
    original = sim.getSpace(spaceId)!.serialized_space;
    proxy = await startFaultProxy(sim.url);
    const wrapModel = (model: ChatModel): ChatModel => ({
      ...model,
      complete: async (request) => {
        const response = await model.complete(request);
        modelCalls++;
        const hook = afterModelCall;
        afterModelCall = undefined;
        await hook?.();
        return response;
      },
    });
    runtime = await startInProcessRuntime(sim, t, { wrapModel, host: proxy.url });
  });
  afterAll(async () => {
    await runtime?.close();
    await proxy?.close();
    await sim?.close();
    await t?.cleanup();
  });

  /** a person's edit through the workspace API (straight to the simulator, past the run's proxy) */
  async function editByHand() {
    const space = JSON.parse(sim.getSpace(spaceId)!.serialized_space) as SerializedSpace;
    const list = ((space.instructions ??= {}).text_instructions ??= []);
    list.push({ id: randomUUID().replaceAll('-', ''), content: [HAND_EDIT] });
    const response = await fetch(`${sim.url}/api/2.0/genie/spaces/${spaceId}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ serialized_space: JSON.stringify(space) }),
    });
    expect(response.status).toBe(200);
  }

  async function runOneLoop() {
    const runId = randomUUID();
    const callsBefore = modelCalls;
    await runtime.start(runId, RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, in_place: true, max_loops: 1, target_score: 1, holdout: 0 }), questions);
    const state = await runtime.finished(runId);
    expect(state.loops[1]?.apply, `the run reached an update: ${JSON.stringify(state).slice(0, 400)}`).toBeDefined();
    const instructions = parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space).instructions?.text_instructions ?? [];
    return { runId, state, instructions, modelCalls: modelCalls - callsBefore, backup: await runtime.store.backup(runId, 1) };
  }

  const reset = () => fetch(`${sim.url}/api/2.0/genie/spaces/${spaceId}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ serialized_space: original }),
  });

  it('an edit after the plan was made: apply sees another space, writes nothing, and the loop is planned again', async () => {
    await reset();
    const before = parseSerializedSpace(original).instructions?.text_instructions?.length ?? 0;
    afterModelCall = editByHand;
    const { state, instructions, modelCalls, backup } = await runOneLoop();

    expect(state.status, state.error).toBe('completed');
    expect(state.loops[1].conflicts).toEqual([expect.stringContaining('changed since the loop was planned')]);
    expect(modelCalls).toBe(2);
    // the hand edit is kept, and every applied instruction is in the space once
    const applied = state.loops[1].apply!.applied.filter((f) => f.kind === 'text_instruction');
    expect(instructions.filter((i) => i.content.join('') === HAND_EDIT)).toHaveLength(1);
    expect(instructions).toHaveLength(before + 1 + applied.length);
    // the backup of the loop is the space as the second plan saw it: with the edit
    expect(parseSerializedSpace(backup!).instructions?.text_instructions?.some((i) => i.content.join('') === HAND_EDIT)).toBe(true);
  });

  it('an edit between the update\'s read and its write: the etag refuses the write (409) and the loop is planned again', async () => {
    await reset();
    const before = parseSerializedSpace(original).instructions?.text_instructions?.length ?? 0;
    const refused = proxy.inject({ method: 'PATCH', path: new RegExp(`/genie/spaces/${spaceId}$`), when: 'request', action: editByHand });
    const { state, instructions, modelCalls } = await runOneLoop();
    await refused;

    expect(state.status, state.error).toBe('completed');
    expect(state.loops[1].conflicts).toEqual([expect.stringContaining('etag')]);
    expect(proxy.log.filter((r) => r.method === 'PATCH' && r.status === 409)).toHaveLength(1);
    expect(modelCalls).toBe(2);
    const applied = state.loops[1].apply!.applied.filter((f) => f.kind === 'text_instruction');
    expect(instructions.filter((i) => i.content.join('') === HAND_EDIT)).toHaveLength(1);
    expect(instructions).toHaveLength(before + 1 + applied.length);
  });
});
