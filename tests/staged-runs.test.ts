import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { createGenieSpacesClient, createRestClient, parseSerializedSpace, type InlineRunResult } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const stateDir = mkdtempSync(join(tmpdir(), 'genie-staged-'));

describe('staged runs, promotion and review through the CLI (simulator over HTTP)', () => {
  let sim: Simulator;
  let spaceId: string;
  const connection = () => ['--host', sim.url, '--token', sim.token, '--warehouse-port', String(sim.warehousePort)];
  const original = () => sim.getSpace(spaceId)!.serialized_space;
  const liveIds = () => sim.listSpaces().map((s) => s.space_id);

  async function cli(args: string[]) {
    let out = '';
    let err = '';
    let summary: InlineRunResult | undefined;
    const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t), isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: stateDir } };
    const code = await runCli(args, io, { caCertPem: sim.caCert, onSummary: (s) => (summary = s) });
    return { code, out, err, summary };
  }
  const run = (...flags: string[]) =>
    cli(['run', ...connection(), '--space-id', spaceId, '--warehouse-id', sim.warehouseId, '--space-benchmarks', '--max-loops', '2', ...flags]);

  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'hr-people')], genieLatencyMs: 10 });
    spaceId = sim.spaces[0].space_id;
  });
  afterAll(async () => sim?.close());

  it('--dry-run writes nothing and shows the fixes with the change they would make', async () => {
    const before = original();
    const spacesBefore = liveIds();
    const dry = await run('--dry-run');
    expect(dry.summary?.decision).toBe('dry_run');
    expect(dry.out).toContain('dry run: nothing was written');
    expect(dry.out).toMatch(/^\+.*/m);
    expect(original()).toBe(before);
    expect(liveIds()).toEqual(spacesBefore);
  });

  it('changes only a staging copy, refuses to promote over an outside edit (naming it), and discards the copy', async () => {
    const before = original();
    const staged = await run();
    expect(staged.summary?.status).toBe('awaiting_review');
    const copyId = staged.summary!.state.work_space_id!;
    expect(copyId).not.toBe(spaceId);
    expect(original()).toBe(before);
    expect(sim.getSpace(copyId)!.serialized_space).not.toBe(before);
    expect(staged.err).toContain(`genie-enhance promote ${staged.summary!.run_id}`);

    // someone edits the live space while the run waits for review
    const spaces = createGenieSpacesClient(createRestClient({ host: sim.url, token: sim.token }));
    const live = await spaces.get(spaceId);
    const edited = parseSerializedSpace(live.serialized_space);
    edited.instructions = { ...edited.instructions, text_instructions: [...(edited.instructions?.text_instructions ?? []), { id: 'ab'.repeat(16), content: ['Edited by a person.'] }] };
    await spaces.update(spaceId, { serialized_space: JSON.stringify(edited), etag: live.etag });
    const afterEdit = original();

    const refused = await cli(['promote', staged.summary!.run_id, ...connection()]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/promotion refused: space \w+ changed since the run copied it: instructions\.text_instructions: \d+ → \d+ items/);
    expect(original()).toBe(afterEdit);

    const discarded = await cli(['discard', staged.summary!.run_id, ...connection()]);
    expect(discarded.code).toBe(0);
    expect(sim.trashedSpaceIds()).toContain(copyId);
    expect(liveIds()).not.toContain(copyId);
    expect(original()).toBe(afterEdit);
  });

  it('promotes a reviewed run: the space gets the copy\'s configuration and the copy is trashed', async () => {
    const staged = await run();
    const copyId = staged.summary!.state.work_space_id!;
    const best = sim.getSpace(copyId)!.serialized_space;
    const promoted = await cli(['promote', staged.summary!.run_id, ...connection()]);
    expect(promoted.code).toBe(0);
    expect(original()).toBe(best);
    expect(sim.trashedSpaceIds()).toContain(copyId);
    // a second promote of the same run is refused: it is no longer awaiting review
    expect((await cli(['promote', staged.summary!.run_id, ...connection()])).code).toBe(2);

    // later: back to the space as it was before the run, verified; a loop that kept nothing cannot be restored
    const restored = await cli(['rollback', staged.summary!.run_id, '--loop', '0', ...connection()]);
    expect(restored.code).toBe(0);
    expect(original()).toBe(staged.summary!.backups[0]);
    const notKept = staged.summary!.state.loops.find((l) => l.loop > 0 && !l.gate?.accepted)?.loop ?? 99;
    expect((await cli(['rollback', staged.summary!.run_id, '--loop', String(notKept), ...connection()])).err).toMatch(/left no kept configuration/);
    const kept = staged.summary!.state.loops.filter((l) => l.gate?.accepted).at(-1)!.loop;
    expect((await cli(['rollback', staged.summary!.run_id, '--loop', String(kept), ...connection()])).code).toBe(0);
    expect(original()).toBe(best);
  });

  it('--in-place changes the space itself and makes no copy', async () => {
    const spacesBefore = liveIds();
    const before = original();
    const inPlace = await run('--in-place');
    expect(inPlace.summary?.state.work_space_id).toBe(spaceId);
    expect(liveIds()).toEqual(spacesBefore);
    if (inPlace.summary!.state.accepted_pass > 0) expect(original()).not.toBe(before);
  });
});
