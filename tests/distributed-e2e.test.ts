import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile, benchmarkFromSpace, parseSerializedSpace } from '@genie-enhancer/shared';
import { readFileSync } from 'node:fs';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from './helpers/service-stack.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { expectOneResultPerQuestionPerLoop } from './helpers/run-assertions.ts';

const root = join(import.meta.dirname, '..');
const kpiBenchmark = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions;

describe('distributed mode: API + scorer, planner and applier processes over real Redis and the simulator', () => {
  let t: TestRedis;
  let sim: Simulator;
  let stack: ServiceStack;

  beforeAll(async () => {
    t = await testRedis('e2e');
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail'), join(root, 'datasets', 'hr-people')], genieLatencyMs: 300 });
    stack = await startServiceStack(sim, t, {
      scorers: 2,
      env: {
        GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '8', GENIE_IN_FLIGHT_LEASE_MS: '20000',
        // a killed worker's jobs are noticed within seconds instead of the default 30 s
        WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000',
      },
    });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await sim?.close();
    await t?.cleanup();
  });

  it('runs a POSTed run on a staging copy to review, then promotes it: the score rises and every question has one result per loop', async () => {
    const space = sim.spaces.find((s) => s.title === 'Retail KPIs')!;
    const original = sim.getSpace(space.space_id)!.serialized_space;
    const runId = await postRun(stack.api, { space_id: space.space_id, warehouse_id: sim.warehouseId, benchmark_name: 'kpi_benchmark', max_loops: 3 });
    const run = await waitForRun(stack.api, runId, 120_000);

    expect(run).toMatchObject({ status: 'awaiting_review', decision: 'target_reached', target_reached: true });
    expect(sim.getSpace(space.space_id)!.serialized_space).toBe(original);
    expect(sim.getSpace(run.staging_space_id)!.serialized_space).not.toBe(original);
    const promote = await apiFetch(stack.api, `/runs/${runId}/promote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(promote.status).toBe(202);
    expect((await waitForRun(stack.api, runId, 60_000)).status).toBe('promoted');
    expect(sim.getSpace(space.space_id)!.serialized_space).not.toBe(original);
    expect(sim.trashedSpaceIds()).toContain(run.staging_space_id);
    // and later back to the space as it was before the run, verified
    const restore = await apiFetch(stack.api, `/runs/${runId}/rollback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"loop":0}' });
    expect(restore.status).toBe(202);
    expect((await waitForRun(stack.api, runId, 60_000)).status).toBe('promoted');
    expect(sim.getSpace(space.space_id)!.serialized_space).toBe(original);
    const scores = run.scores.map((s: { score: number }) => s.score);
    expect(scores.length).toBeGreaterThanOrEqual(2);
    expect(scores[0]).toBeLessThan(0.6);
    expect(scores.at(-1)).toBeGreaterThanOrEqual(0.9);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
    expect(run.loops[1].fixes_applied).toBeGreaterThan(0);
    expect(run.timings.map((s: { stage: string }) => s.stage)).toEqual(expect.arrayContaining(['score', 'plan', 'apply']));

    const questions = await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json();
    expect(questions.loops).toHaveLength(scores.length);
    expectOneResultPerQuestionPerLoop(questions, kpiBenchmark.map((q) => q.id));
    // delivery is at least once (a job whose lock lapses on a loaded machine runs again): every question was put
    // to Genie at least once per pass, while the stored results above hold exactly one per question
    const asked = sim.requestLog.filter((r) => r.kind === 'genie_question').length;
    expect(asked).toBeGreaterThanOrEqual(kpiBenchmark.length * scores.length);
    for (const scorer of stack.processes.filter((p) => p.name.startsWith('scorer'))) {
      expect(scorer.lines.some((l) => l.includes('"job":"score-question"') && l.includes('job done')), scorer.name).toBe(true);
    }
    const fixes = await (await apiFetch(stack.api, `/runs/${runId}/fixes`)).json();
    expect(fixes.loops[0].applied.length).toBe(run.loops[1].fixes_applied);
  }, 150_000);

  it('finishes a run with every question scored once when a scorer process is SIGKILLed mid-run', async () => {
    const space = sim.spaces.find((s) => s.title !== 'Retail KPIs')!;
    const ids = benchmarkFromSpace(parseSerializedSpace(space.serialized_space)).map((q) => q.id);
    const victim = await stack.add('scorer', 'scorer-victim', { WORKER_CONCURRENCY: '4' });
    const runId = await postRun(stack.api, { space_id: space.space_id, warehouse_id: sim.warehouseId, space_benchmarks: true, max_loops: 3, auto_promote: true });

    const started = await victim.waitForLine(/"job":"score-question".*"job started"|"job started".*"job":"score-question"/, 60_000);
    victim.child.kill('SIGKILL');
    const orphan = JSON.parse(started).job_id as string;
    expect(victim.lines.some((l) => l.includes(orphan) && l.includes('job done'))).toBe(false);

    const run = await waitForRun(stack.api, runId, 120_000);
    expect(run.status).toBe('promoted');
    expect(run.scores.at(-1).score).toBeGreaterThan(run.scores[0].score);
    expectOneResultPerQuestionPerLoop(await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json(), ids);
    // the job the killed process held was finished by a surviving scorer
    const survivors = stack.processes.filter((p) => p.name.startsWith('scorer') && p !== victim);
    expect(survivors.some((p) => p.lines.some((l) => l.includes(orphan) && l.includes('job done')))).toBe(true);
  }, 150_000);

  it('drains a scorer on SIGTERM: its current job finishes, the process exits 0, the run completes', async () => {
    const space = sim.spaces.find((s) => s.title === 'Retail KPIs')!;
    const drained = await stack.add('scorer', 'scorer-drained', { WORKER_CONCURRENCY: '2' });
    const questions = kpiBenchmark.slice(0, 10);
    const runId = await postRun(stack.api, { space_id: space.space_id, warehouse_id: sim.warehouseId, questions, target_score: 0.05 });

    const started = JSON.parse(await drained.waitForLine(/"job":"score-question".*"job started"/, 60_000)).job_id as string;
    const exited = new Promise<number | null>((resolve) => drained.child.once('exit', (code) => resolve(code)));
    drained.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(drained.lines.some((l) => l.includes(started) && l.includes('job done'))).toBe(true);
    expect(drained.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    const run = await waitForRun(stack.api, runId, 60_000);
    expect(run.status).toBe('completed');
    expectOneResultPerQuestionPerLoop(await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json(), questions.map((q) => q.id));
  }, 120_000);
});
