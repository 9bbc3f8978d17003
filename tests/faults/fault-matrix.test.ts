/**
 * The fault matrix: real service processes (API, scorer, planner, applier) against a redis-server with AOF and the
 * workspace simulator behind a fault proxy. Each case injects one fault at a chosen request and checks that the run
 * still ends as it should, with one result per question per pass, every fix applied once, and the space's backup
 * equal to the space before the loop. Killed processes are restarted, as `pnpm stack` and compose do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';
import { RunStore } from '@genie-enhancer/queue-runtime';
import { BenchmarkFile, parseSerializedSpace, type Fix } from '@genie-enhancer/shared';
import { startAofRedis, type AofRedis } from '../helpers/aof-redis.ts';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.ts';
import { expectOneResultPerQuestionPerLoop } from '../helpers/run-assertions.ts';
import { apiFetch, postRun, startServiceStack, waitForRun, type ServiceStack } from '../helpers/service-stack.ts';
import { testRedis, type TestRedis } from '../helpers/test-redis.ts';

const root = join(import.meta.dirname, '..', '..');
const questions = BenchmarkFile.parse(JSON.parse(readFileSync(join(root, 'benchmarks', 'kpi_benchmark.json'), 'utf8'))).questions.slice(0, 12);
const ids = questions.map((q) => q.id);

const SPACE_PATCH = /^\/api\/2\.0\/genie\/spaces\/[^/]+$/;
const MODEL_CALL = /^\/serving-endpoints\/.+/;
const GENIE_QUESTION = /\/genie\/spaces\/[^/]+\/start-conversation$/;

/** what each case showed, for docs/security.md */
const figures: Record<string, unknown>[] = [];

const counts = (serialized: string) => {
  const space = parseSerializedSpace(serialized);
  return {
    instructions: space.instructions?.text_instructions?.length ?? 0,
    examples: space.instructions?.example_question_sqls?.length ?? 0,
    metric_views: space.data_sources?.metric_views?.length ?? 0,
  };
};

describe('fault matrix: the run completes, once in effect, whatever fails', () => {
  let redisServer: AofRedis;
  let t: TestRedis;
  let sim: Simulator;
  let proxy: FaultProxy;
  let stack: ServiceStack;
  let store: RunStore;
  let spaceId: string;
  let original: string;
  /** each question's reason code per pass in the first case, which every other case must reproduce */
  let referenceVerdicts: unknown;

  beforeAll(async () => {
    redisServer = await startAofRedis();
    t = await testRedis('faults', redisServer.url);
    // the test's own connection sees the restart too; ioredis reconnects by itself
    t.redis.on('error', () => undefined);
    store = new RunStore(t.redis, t.prefix);
    sim = await createSimulator({ datasets: [join(root, 'datasets', 'kpi-retail')], genieLatencyMs: 200 });
    spaceId = sim.spaces[0].space_id;
    original = sim.getSpace(spaceId)!.serialized_space;
    proxy = await startFaultProxy(sim.url);
    stack = await startServiceStack(sim, t, {
      scorers: 1,
      host: proxy.url,
      supervise: true,
      env: {
        GENIE_QUESTIONS_PER_MINUTE: '0', GENIE_MAX_IN_FLIGHT: '0', WORKER_CONCURRENCY: '6',
        // a killed scorer's Genie slots (the run's genie_concurrency) are held until their lease lapses (default 10 min)
        GENIE_IN_FLIGHT_LEASE_MS: '10000',
        // a killed worker's job is taken up again within seconds (default: 30 s), retries start after 1 s
        WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000', JOB_RETRY_BACKOFF_MS: '1000',
      },
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await sim?.close();
    await t?.cleanup().catch(() => undefined);
    await redisServer?.stop();
    if (figures.length) process.stdout.write(`fault matrix figures:\n${figures.map((f) => JSON.stringify(f)).join('\n')}\n`);
  });

  /** The space back as the dataset made it (over HTTP, as a person would), so every case starts from the same place. */
  async function resetSpace() {
    const response = await fetch(`${sim.url}/api/2.0/genie/spaces/${spaceId}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ serialized_space: original }),
    });
    expect(response.status).toBe(200);
  }

  /**
   * One in-place run of one loop with the fault armed; checks what every case must hold and returns the run.
   * `fault` returns what to record about the recovery once the run ended.
   */
  async function runWithFault(name: string, rule: Omit<FaultRule, 'action'>, fault: () => Promise<void>) {
    await resetSpace();
    const before = sim.getSpace(spaceId)!.serialized_space;
    const updates = () => sim.requestLog.filter((r) => r.kind === 'space_update' && r.status === 200 && r.path.endsWith(spaceId)).length;
    const updatesBefore = updates();
    const restartsBefore = stack.restarts.length;
    const logBefore = proxy.log.length;
    let firedAt: number | undefined;
    void proxy.inject({ ...rule, action: async () => { firedAt = Date.now(); await fault(); } });

    const started = Date.now();
    const runId = await postRun(stack.api, { space_id: spaceId, warehouse_id: sim.warehouseId, questions, in_place: true, max_loops: 1, target_score: 1, holdout: 0 });
    const run = await waitForRun(stack.api, runId, 150_000).catch((error: Error) => {
      // the processes' last words say where the run stuck
      throw new Error(`${error.message}\n${stack.processes.map((p) => `--- ${p.name}\n${p.lines.slice(-15).join('\n')}`).join('\n')}`);
    });
    const ended = Date.now();
    proxy.disarm();

    expect(firedAt, `${name}: the fault was injected`).toBeDefined();
    // each case's fault is one every layer can recover from: the run ends as it would have without it
    expect(run.status, JSON.stringify(run).slice(0, 600)).toBe('completed');
    expect(['max_loops', 'target_reached']).toContain(run.decision);
    const results = await (await apiFetch(stack.api, `/runs/${runId}/questions`)).json();
    expectOneResultPerQuestionPerLoop(results, ids);
    // the simulator is deterministic: a fault that changed a verdict (an outage scored as a wrong answer) shows here
    const verdicts = results.loops.map((l: { results: { question_id: string; reason_code: string }[] }) =>
      Object.fromEntries(l.results.map((r) => [r.question_id, r.reason_code])));
    referenceVerdicts ??= verdicts;
    expect(verdicts).toEqual(referenceVerdicts);

    const fixes = await (await apiFetch(stack.api, `/runs/${runId}/fixes`)).json();
    const applied: Fix[] = fixes.loops[0].applied;
    expect(applied.length).toBeGreaterThan(0);
    expect(run.loops.find((l: { loop: number }) => l.loop === 1)?.kept, 'the loop was kept').toBe(true);
    // no fix applied twice: the space grew by exactly the applied fixes, in one update that landed once
    const after = sim.getSpace(spaceId)!.serialized_space;
    const kinds = (kind: Fix['kind']) => applied.filter((f) => f.kind === kind).length;
    expect(counts(after)).toEqual({
      instructions: counts(before).instructions + kinds('text_instruction'),
      examples: counts(before).examples + kinds('example_sql'),
      metric_views: counts(before).metric_views + kinds('metric_view'),
    });
    expect(updates() - updatesBefore, 'space updates that landed').toBe(1);
    // the stored backup is the space before the loop, the stored snapshot the space after it
    expect(await store.backup(runId, 1)).toBe(before);
    expect((await store.snapshots(runId)).snapshots[1]).toBe(after);

    const restarts = stack.restarts.slice(restartsBefore);
    const figure = {
      case: name, status: run.status, run_s: ((ended - started) / 1000).toFixed(1), fault_to_end_s: ((ended - firedAt!) / 1000).toFixed(1),
      restarts: restarts.map((r) => `${r.name} ready after ${(((r.readyAt ?? ended) - r.exitedAt) / 1000).toFixed(1)} s`),
      questions: ids.length, passes: run.scores.length, scores: run.scores.map((s: { score: number }) => s.score.toFixed(2)),
      fixes_applied: applied.length, space_updates: updates() - updatesBefore,
      genie_questions_asked: proxy.log.slice(logBefore).filter((r) => GENIE_QUESTION.test(r.path) && r.status === 200).length,
    };
    figures.push(figure);
    return { runId, run, restarts, figure, requests: proxy.log.slice(logBefore) };
  }

  const kill = (name: string) => () => {
    stack.process(name).child.kill('SIGKILL');
    return Promise.resolve();
  };

  it('applier SIGKILLed right after its space PATCH succeeded: the retry recognises the write, nothing is applied twice', async () => {
    const { restarts } = await runWithFault('applier killed after PATCH', { method: 'PATCH', path: SPACE_PATCH, when: 'response' }, kill('applier'));
    expect(restarts.map((r) => r.name)).toEqual(['applier']);
    expect(stack.process('applier').lines.some((l) => l.includes('had landed; not applying the fixes again'))).toBe(true);
  }, 200_000);

  it('planner SIGKILLed while its model call is in flight: a restarted planner plans the loop once', async () => {
    const { restarts, requests } = await runWithFault('planner killed during the model call', { method: 'POST', path: MODEL_CALL, when: 'request' }, kill('planner'));
    expect(restarts.map((r) => r.name)).toEqual(['planner']);
    // the killed call reached the endpoint; the restarted planner made its own
    expect(requests.filter((r) => r.method === 'POST' && MODEL_CALL.test(r.path)).length).toBeGreaterThanOrEqual(2);
  }, 200_000);

  it('scorer SIGKILLed mid-question (Genie had started the conversation): every question still has one result', async () => {
    const { restarts } = await runWithFault('scorer killed mid-question', { method: 'POST', path: GENIE_QUESTION, when: 'response', nth: 3 }, kill('scorer-1'));
    expect(restarts.map((r) => r.name)).toEqual(['scorer-1']);
  }, 200_000);

  it('Redis restarted (AOF, appendfsync everysec) mid-pass: the run and its queues survive', async () => {
    let downFor = 0;
    const { restarts } = await runWithFault('Redis restarted with AOF mid-run', { method: 'POST', path: GENIE_QUESTION, when: 'response', nth: 4 }, async () => {
      const at = Date.now();
      await redisServer.restart();
      downFor = Date.now() - at;
    });
    figures.at(-1)!.redis_down_s = (downFor / 1000).toFixed(1);
    expect(downFor).toBeGreaterThan(0);
    // every service reconnected: none had to be restarted
    expect(restarts).toEqual([]);
  }, 200_000);

  it('warehouse down for 6 s mid-pass, then back: questions wait or are retried, none is scored as an error', async () => {
    const failedBefore = stack.process('scorer-1').lines.filter((l) => l.includes('"msg":"job failed"')).length;
    let backAt = 0;
    const { run, restarts } = await runWithFault('warehouse down and back', { method: 'POST', path: GENIE_QUESTION, when: 'response', nth: 2 }, async () => {
      await sim.stopWarehouse();
      setTimeout(() => void sim.startWarehouse().then(() => void (backAt = Date.now())), 6_000);
    });
    expect(restarts).toEqual([]);
    // the outage overlapped the baseline pass: it closed only after the warehouse was back (the verdicts, checked
    // above, are those of a run without the outage)
    const baseline = run.timings.find((s: { stage: string; loop: number }) => s.stage === 'score' && s.loop === 0);
    expect(backAt).toBeGreaterThan(0);
    expect(Date.parse(baseline.ended_at)).toBeGreaterThan(backAt);
    // the driver's own retries absorb some of it; question jobs that failed an attempt were retried, never failed for good
    const failed = stack.process('scorer-1').lines.filter((l) => l.includes('"msg":"job failed"')).slice(failedBefore);
    expect(failed.every((l) => l.includes('"final":false'))).toBe(true);
    figures.at(-1)!.question_attempts_failed = failed.length;
  }, 200_000);

  it('warehouse down for good: nothing can succeed, so the run fails at preflight naming the warehouse, before any question', async () => {
    await resetSpace();
    const logBefore = proxy.log.length;
    await sim.stopWarehouse();
    try {
      const started = Date.now();
      const runId = await postRun(stack.api, { space_id: spaceId, warehouse_id: sim.warehouseId, questions, in_place: true, max_loops: 1, holdout: 0 });
      const run = await waitForRun(stack.api, runId, 120_000);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(new RegExp(`^preflight: preflight failed: warehouse ${sim.warehouseId}: `));
      expect(proxy.log.slice(logBefore).filter((r) => GENIE_QUESTION.test(r.path))).toEqual([]);
      expect(sim.getSpace(spaceId)!.serialized_space).toBe(original);
      figures.push({ case: 'warehouse down for good', status: run.status, run_s: ((Date.now() - started) / 1000).toFixed(1), error: run.error.slice(0, 120) });
    } finally {
      await sim.startWarehouse();
    }
  }, 200_000);
});
