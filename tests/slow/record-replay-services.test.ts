import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion, createSimulator, type Simulator, type SimulatorOptions } from '@genie-enhancer/databricks-sim';
import { parseSerializedSpace } from '@genie-enhancer/shared';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from '../helpers/service-stack.ts';
import { testRedis, type TestRedis } from '../helpers/test-redis.ts';

const root = join(import.meta.dirname, '..', '..');
const dataset = join(root, 'datasets', 'kpi-retail');
const NOISE = { probability: 0.35, seed: 11 };
const ENV = { GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '8' };

/** A run as the API shows it, per pass every question's verdict and Genie's answer; ids and times left out. */
async function outcome(stack: ServiceStack, runId: string) {
  const run = await waitForRun(stack.api, runId, 240_000);
  const questions = await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json();
  const { run_id: _fixesOf, ...fixes } = await (await apiFetch(stack.api, `/runs/${runId}/fixes`)).json();
  const { run_id: _id, staging_space_id: _staging, timings: _timings, created_at: _c, updated_at: _u, ...view } = run;
  return {
    view,
    verdicts: questions.loops.map((l: { loop: number; results: { question_id: string; verdict: string; reason_code: string; genie_sql?: string; genie_text?: string }[] }) =>
      [l.loop, [...l.results].sort((a, b) => a.question_id.localeCompare(b.question_id)).map((r) => [r.question_id, r.verdict, r.reason_code, r.genie_sql ?? r.genie_text ?? ''])]),
    fixes,
    /** the baseline pass as the API gives it (not compared: it holds ids and durations) */
    baseline: () => questions.loops[0].results as { question: string; genie_sql?: string }[],
  };
}

describe('record a distributed run (every service process records), replay it in a fresh simulator without noise', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });
  async function stackOn(options: Partial<SimulatorOptions>, env: Record<string, string> = {}) {
    const sim: Simulator = await createSimulator({ datasets: [dataset], genieLatencyMs: 20, ...options });
    cleanups.push(() => sim.close());
    const t: TestRedis = await testRedis('record-replay');
    cleanups.push(() => t.cleanup());
    const stack = await startServiceStack(sim, t, { scorers: 1, env: { ...ENV, ...env } });
    cleanups.push(() => stack.stop());
    return { sim, stack };
  }
  const body = (sim: Simulator) => ({ space_id: sim.spaces[0].space_id, warehouse_id: sim.warehouseId, benchmark_name: 'kpi_benchmark', max_loops: 3, split_seed: 'replay-services', auto_promote: true });

  it('gives the same verdicts, fixes and decisions, every answer from the cassettes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassettes-services-'));
    const recording = await stackOn({ genieNoise: NOISE }, { GENIE_ENHANCER_RECORD_DIR: dir });
    const original = parseSerializedSpace(recording.sim.spaces[0].serialized_space);
    const recorded = await outcome(recording.stack, await postRun(recording.stack.api, body(recording.sim)));
    await recording.stack.stop();
    expect(recorded.view.status).not.toBe('failed');
    // the noise changed answers: a noise-free Genie would have answered some baseline questions otherwise
    const catalog = await recording.sim.engine.catalog();
    const noiseFree = (question: string) => { const reply = answerQuestion(original, catalog, question); return reply.kind === 'query' ? reply.sql : undefined; };
    const altered = recorded.baseline().filter((r) => r.genie_sql !== undefined && r.genie_sql !== noiseFree(r.question)).length;
    expect(altered).toBeGreaterThan(0);
    expect(altered).toBeLessThan(recorded.baseline().filter((r) => r.genie_sql !== undefined).length);
    expect(readdirSync(dir).sort()).toEqual(['genie.jsonl', 'model.jsonl', 'spaces.jsonl', 'warehouse.jsonl']);
    const all = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(all).not.toContain(recording.sim.token);
    expect(all).not.toContain(`127.0.0.1:${recording.sim.port}`);

    const replaying = await stackOn({ replay: dir });
    const replayed = await outcome(replaying.stack, await postRun(replaying.stack.api, body(replaying.sim)));
    const { baseline: _r, ...expected } = recorded;
    const { baseline: _p, ...actual } = replayed;
    expect(actual).toEqual(expected);
    expect(replaying.sim.getSpace(replaying.sim.spaces[0].space_id)!.serialized_space).toBe(recording.sim.getSpace(recording.sim.spaces[0].space_id)!.serialized_space);
    const stats = replaying.sim.replayStats()!;
    expect([stats.genie.misses, stats.model.misses, stats.warehouse.misses]).toEqual([0, 0, 0]);
    expect(stats.genie.hits).toBeGreaterThan(0);
  }, 900_000);
});
