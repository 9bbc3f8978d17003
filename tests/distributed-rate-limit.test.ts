import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { BenchmarkFile } from '@genie-enhancer/shared';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from './helpers/service-stack.ts';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { busiestWindow } from './helpers/busiest-window.ts';

const root = join(import.meta.dirname, '..');
const PER_MINUTE = 10;
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 12);

// Takes a little over a minute on purpose: the limit is per minute, and a shorter window would prove less.
describe('one global Genie rate limit across 3 scorer processes', () => {
  let t: TestRedis;
  let sim: Simulator;
  let stack: ServiceStack;
  let questionRequests = 0;

  beforeAll(async () => {
    t = await testRedis('ratelimit');
    sim = await createSimulator({
      datasets: [join(root, 'datasets', 'kpi-retail')],
      genieLatencyMs: 200,
      questionsPerMinute: PER_MINUTE,
      // every fourth question request is refused with 429 + Retry-After: 1, on top of the real limit
      inject429: () => ++questionRequests % 4 === 0,
    });
    stack = await startServiceStack(sim, t, { scorers: 3, env: { GENIE_QUESTIONS_PER_MINUTE: String(PER_MINUTE), GENIE_MAX_IN_FLIGHT: '6' } });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
    await sim?.close();
    await t?.cleanup();
  });

  it('never lets a 60-second window of the simulator log hold more than the limit, and loses no question to 429s', async () => {
    const space = sim.spaces[0];
    const runId = await postRun(stack.api, { space_id: space.space_id, warehouse_id: sim.warehouseId, questions, target_score: 0.05, max_loops: 1 });
    const run = await waitForRun(stack.api, runId, 200_000);
    expect(run.status).toBe('completed');

    const asked = sim.requestLog.filter((r) => r.kind === 'genie_question');
    expect(asked.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(asked.length).toBeGreaterThan(PER_MINUTE);
    expect(busiestWindow(asked.map((r) => r.at), 60_000)).toBeLessThanOrEqual(PER_MINUTE);

    const results = (await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json()).loops[0].results as { question_id: string; reason_code: string }[];
    expect(results.map((r) => r.question_id).sort()).toEqual(questions.map((q) => q.id).sort());
    expect(results.filter((r) => ['INTERNAL_ERROR', 'GENIE_FAILED'].includes(r.reason_code))).toEqual([]);
    // a 429 sent the job back to wait without spending an attempt: nothing failed
    expect(stack.processes.flatMap((p) => p.lines).filter((l) => l.includes('job failed'))).toEqual([]);
  }, 240_000);
});
