import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from '@genie-enhancer/databricks-sim';
import { runCli, type CliIo } from '@genie-enhancer/cli';
import { createGenieSpacesClient, createRestClient, createScrubber, PLACEHOLDER, type InlineRunResult } from '@genie-enhancer/shared';

const root = join(import.meta.dirname, '..');
const dataset = join(root, 'datasets', 'kpi-retail');
const NOISE = { probability: 0.35, seed: 11 };

/**
 * What a run decided and saw, without what differs between any two runs (ids, times, durations) and the hash of
 * the raw space text a plan was made on (a replay serves the space scrubbed, so its bytes differ by design).
 */
function digest(summary: InlineRunResult) {
  const VOLATILE = /^(run_id|conversation_id|message_id|duration_ms|work_space_id|space_id|staging_space_id|at|started_at|finished_at|updated_at|created_at|elapsed_ms|space_hash)$/;
  const strip = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(strip) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.test(k)).map(([k, v]) => [k, strip(v)])) : value;
  return {
    status: summary.status,
    target_reached: summary.target_reached,
    verdicts: summary.reports.map((r) => r.results.map((q) => [q.question_id, q.repeat ?? 0, q.verdict, q.reason_code, q.genie_sql ?? q.genie_text ?? ''])),
    loops: strip(summary.state.loops),
  };
}

/** What must never reach a cassette, put where every exchange carries it: the space's own instructions. */
async function addContact(sim: Simulator) {
  const space = sim.spaces[0];
  const config = JSON.parse(space.serialized_space);
  config.instructions.text_instructions = [{ id: '0'.repeat(32), content: [`Data questions go to jane.doe@example.com; runbook at ${sim.url}/wiki; key ${sim.token}.`] }];
  await createGenieSpacesClient(createRestClient({ host: sim.url, token: sim.token })).update(space.space_id, { serialized_space: JSON.stringify(config) });
}

describe('record a run, replay it offline (CLI, in memory, over HTTP)', () => {
  const sims: Simulator[] = [];
  afterAll(async () => Promise.all(sims.map((s) => s.close())));
  const start = async (options: Partial<SimulatorOptions>) => {
    const sim = await createSimulator({ datasets: [], genieLatencyMs: 5, ...options });
    sims.push(sim);
    return sim;
  };
  async function run(sim: Simulator, spaceId: string, warehouseId: string, extra: string[] = []) {
    let summary: InlineRunResult | undefined;
    let err = '';
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t), isTTY: false }, env: { GENIE_ENHANCER_STATE_DIR: mkdtempSync(join(tmpdir(), 'replay-state-')) } };
    const code = await runCli([
      'run', '--host', sim.url, '--token', sim.token, '--warehouse-port', String(sim.warehousePort), '--space-id', spaceId, '--warehouse-id', warehouseId,
      '--space-benchmarks', '--max-loops', '3', '--split-seed', 'replay-test', '--auto-promote', '--genie-concurrent', '4', ...extra,
    ], io, { caCertPem: sim.caCert, onSummary: (s) => (summary = s) });
    expect(summary, err).toBeDefined();
    return { code, summary: summary!, err };
  }

  const recordDir = mkdtempSync(join(tmpdir(), 'cassettes-'));
  let recorded: { code: number; summary: InlineRunResult };
  let recordingSim: Simulator;

  it('records every exchange of a run on a noisy Genie, scrubbed', async () => {
    recordingSim = await start({ datasets: [dataset], genieNoise: NOISE });
    const space = recordingSim.spaces[0];
    await addContact(recordingSim);
    recorded = await run(recordingSim, space.space_id, recordingSim.warehouseId, ['--record', recordDir]);
    expect(recorded.summary.status).not.toBe('failed');
    expect(recorded.summary.state.loops.filter((l) => l.decision && l.plan).length).toBeGreaterThan(0);
    expect(readdirSync(recordDir).sort()).toEqual(['genie.jsonl', 'model.jsonl', 'run.json', 'spaces.jsonl', 'warehouse.jsonl']);
    const lines = (file: string) => readFileSync(join(recordDir, file), 'utf8').trim().split('\n');
    expect(lines('genie.jsonl').length).toBe(recorded.summary.reports.reduce((n, r) => n + r.results.length, 0));
    expect(lines('model.jsonl').length).toBeGreaterThan(0);
    const all = readdirSync(recordDir).map((f) => readFileSync(join(recordDir, f), 'utf8')).join('\n');
    expect(all).not.toContain(recordingSim.token);
    expect(all).not.toContain(`127.0.0.1:${recordingSim.port}`);
    expect(all).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
    for (const placeholder of [PLACEHOLDER.email, PLACEHOLDER.host, PLACEHOLDER.token]) expect(all).toContain(placeholder);
  });

  it('replays it on a simulator with no dataset and no noise: the same verdicts and decisions, nothing simulated', async () => {
    const replaying = await start({ replay: recordDir });
    const space = recordingSim.spaces[0];
    expect(replaying.getSpace(space.space_id)).toBeDefined();
    const replayed = await run(replaying, space.space_id, recordingSim.warehouseId);
    expect(replayed.code).toBe(recorded.code);
    expect(digest(replayed.summary)).toEqual(digest(recorded.summary));
    // the promoted configuration, as the cassettes have it (scrubbed)
    const scrub = createScrubber({ hosts: [recordingSim.url], secrets: [recordingSim.token] });
    expect(replaying.getSpace(space.space_id)!.serialized_space).toBe(scrub(recordingSim.getSpace(space.space_id)!.serialized_space));
    const stats = replaying.replayStats()!;
    expect(stats.genie).toMatchObject({ misses: 0 });
    expect(stats.model).toMatchObject({ misses: 0 });
    expect(stats.warehouse).toMatchObject({ misses: 0 });
    expect(stats.genie.hits).toBeGreaterThan(0);
  });

  it('without the cassettes the same run on the noise-free simulator decides otherwise (the replay made the difference)', async () => {
    const clean = await start({ datasets: [dataset] });
    await addContact(clean);
    const space = clean.spaces[0];
    const { summary } = await run(clean, space.space_id, clean.warehouseId);
    expect(digest(summary).verdicts).not.toEqual(digest(recorded.summary).verdicts);
  });
});
