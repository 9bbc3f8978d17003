import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '@genie-enhancer/databricks-sim';
import { benchmarkFromSpace, createGenieEvalRunsClient, createGenieSpacesClient, createRestClient, parseSerializedSpace, RunConfig, scoreNative, silentLogger } from '@genie-enhancer/shared';
import { buildApi } from '../services/api/src/app.ts';
import { ApiKeyStore } from '../services/api/src/auth/api-keys.ts';
import { startInProcessRuntime } from './helpers/in-process-runtime.ts';
import { testRedis } from './helpers/test-redis.ts';

const root = join(import.meta.dirname, '..');
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function scenario(scorer: 'native' | 'both', inPlace = true) {
  const sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 10 });
  opened.push(sim);
  const spaceId = sim.spaces[0].space_id;
  const questions = benchmarkFromSpace(parseSerializedSpace(sim.spaces[0].serialized_space));
  const t = await testRedis(`scorer-${scorer}`);
  opened.push({ close: () => t.cleanup() });
  const runtime = await startInProcessRuntime(sim, t, { evalPollMs: { initial: 20, max: 100 } });
  opened.push(runtime);
  const jobs: string[] = [];
  for (const w of runtime.workers) w.on('completed', (job) => jobs.push(job.name));
  const config = RunConfig.parse({ space_id: spaceId, warehouse_id: sim.warehouseId, max_loops: 1, genie_concurrency: 4, holdout: 0, in_place: inPlace, scorer });
  return { sim, spaceId, questions, t, runtime, jobs, config };
}

describe("scorer native|both through the queue driver, on the simulator's eval runs over HTTP", () => {
  it.each([['in place', true], ['on a staging copy', false]] as const)('native (%s): each pass is one eval run scored by the pass job (no question job), one stored result per question, equal to Genie\'s evaluation', async (_where, inPlace) => {
    const { sim, spaceId, questions, runtime, jobs, config } = await scenario('native', inPlace);
    const rest = createRestClient({ host: sim.url, token: sim.token });
    // what Genie's evaluation says of the space before the run: pass 0 must hold exactly that
    const expected = await scoreNative({ evalRuns: createGenieEvalRunsClient(rest), spaces: createGenieSpacesClient(rest) }, { spaceId, questions, timeoutMs: 60_000, pollMs: { initial: 20, max: 100 } });
    const runId = randomUUID();
    await runtime.start(runId, config, questions);
    const state = await runtime.finished(runId);
    expect(state.status, state.error).toMatch(/^(completed|awaiting_review)$/);
    expect(jobs).not.toContain('score-question');
    expect(jobs.filter((j) => j === 'score-pass').length).toBe(state.loops.filter((l) => l.pass).length);
    const stored = await runtime.store.passResults(runId, 0);
    expect([...stored.keys()].sort()).toEqual(questions.map((q) => q.id).sort());
    expect(questions.map((q) => [q.id, stored.get(q.id)!.verdict, stored.get(q.id)!.reason_code])).toEqual(expected.report.results.map((r) => [r.question_id, r.verdict, r.reason_code]));
    for (const r of stored.values()) expect(r.reason).toMatch(/Genie's evaluation/);
    expect(state.loops[0].pass?.score).toBe(expected.report.score);
  });

  it('both: the question jobs score as with compare, the pass job records the agreement with Genie\'s evaluation, shown in GET /runs/:id', async () => {
    const { questions, t, runtime, jobs, config } = await scenario('both');
    const app = await buildApi({ redis: t.redis, logger: silentLogger, benchmarksDir: join(root, 'benchmarks'), redisPrefix: t.prefix });
    opened.push(app);
    const { key } = await new ApiKeyStore(t.redis, t.prefix).create({ name: 'scorer-test', scopes: ['admin'] });
    const runId = randomUUID();
    await runtime.start(runId, config, questions);
    const state = await runtime.finished(runId);
    expect(state.status, state.error).toMatch(/^(completed|awaiting_review)$/);
    const passes = state.loops.filter((l) => l.pass).map((l) => l.loop);
    expect(jobs.filter((j) => j === 'score-question').length).toBe(questions.length * passes.length);
    for (const r of (await runtime.store.passResults(runId, 0)).values()) expect(r.reason ?? '').not.toMatch(/Genie's evaluation/);

    const detail = (await app.inject({ method: 'GET', url: `/runs/${runId}`, headers: { authorization: `Bearer ${key}` } })).json();
    expect(Object.keys(detail.agreements).map(Number).sort()).toEqual(passes);
    for (const pass of passes) {
      const { table, differing, agreement } = detail.agreements[pass];
      const judged = Object.values(table as Record<string, Record<string, number>>).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
      expect(judged).toBe(questions.length);
      // the simulator's judge agrees with our comparison on every clear case (tests/native-scoring.test.ts)
      expect(differing).toEqual([]);
      expect(agreement).toBe(1);
    }
  });
});
