import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { applyLoop, openWorkspace, parseSerializedSpace, silentLogger, type AppliedLoop, type Fix, type StepDeps, type Workspace } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const fixes: Fix[] = [
  { kind: 'text_instruction', content: 'Count stores as COUNT(DISTINCT main.retail.stores.store_id).', rationale: 'test' },
  { kind: 'metadata', table: 'main.retail.stores', column: 'rgn', synonyms: ['region'], rationale: 'test' },
];

describe('apply is exactly once in effect when the applier dies right after its update', () => {
  let sim: Simulator;
  let workspace: Workspace;
  let deps: StepDeps;
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail'), join(root, 'datasets', 'hr-people')], genieLatencyMs: 5 });
    workspace = openWorkspace({ host: sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    deps = { spaces: workspace.spaces, warehouse: workspace.warehouse(sim.warehouseId), model: workspace.model('m'), logger: silentLogger };
  });
  afterAll(async () => {
    await workspace?.close();
    await sim?.close();
  });

  const instructions = (spaceId: string) => parseSerializedSpace(sim.getSpace(spaceId)!.serialized_space).instructions?.text_instructions?.length ?? 0;
  const updates = () => sim.requestLog.filter((r) => r.kind === 'space_update').length;

  it('a retry that finds the intended configuration in place takes it as done; one that does not, applies', async () => {
    const spaceId = sim.spaces[0].space_id;
    const before = sim.getSpace(spaceId)!.serialized_space;
    let stored: AppliedLoop | undefined;
    // the first attempt writes, then "dies" before it can report: only its stored intent survives
    const first = await applyLoop(deps, { spaceId, fixes, remember: async (intent) => void (stored = intent) });
    expect(stored?.after).toBe(first.after);
    expect(stored?.backup).toBe(before);
    const afterFirst = { updates: updates(), instructions: instructions(spaceId), space: sim.getSpace(spaceId)!.serialized_space };

    const retry = await applyLoop(deps, { spaceId, fixes, intent: stored! });
    expect(retry).toEqual(stored);
    expect(updates()).toBe(afterFirst.updates);
    expect(instructions(spaceId)).toBe(afterFirst.instructions);
    expect(sim.getSpace(spaceId)!.serialized_space).toBe(afterFirst.space);

    // an intent whose write never landed (the space is still as before) is applied for real
    const other = sim.spaces[1].space_id;
    const untouched = sim.getSpace(other)!.serialized_space;
    const neverWritten: AppliedLoop = { ...stored!, backup: untouched };
    const applied = await applyLoop(deps, { spaceId: other, fixes: [fixes[0]], intent: neverWritten });
    expect(updates()).toBe(afterFirst.updates + 1);
    expect(sim.getSpace(other)!.serialized_space).toBe(applied.after);
    expect(instructions(other)).toBe((parseSerializedSpace(untouched).instructions?.text_instructions?.length ?? 0) + 1);
  });
});
