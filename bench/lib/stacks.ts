import { postRun, startServiceStack, waitForRun, apiFetch, type ServiceStack } from '../../tests/helpers/service-stack.ts';
import { testRedis, type TestRedis } from '../../tests/helpers/test-redis.ts';
import type { BenchmarkQuestion } from '@genie-enhancer/shared';
import type { SimProcess } from './sim.ts';

export interface BenchStack {
  stack: ServiceStack;
  /** runs a first scoring pass of these questions (the run ends after it); returns its pass duration and the run */
  scorePass(questions: BenchmarkQuestion[], genieConcurrency: number, timeoutMs?: number): Promise<{ passMs: number; run: Record<string, any> }>;
  stop(): Promise<void>;
}

/** API, planner, applier and `scorers` scorer processes on their own Redis prefix, against a simulator process. */
export async function startBenchStack(name: string, sim: SimProcess, scorers: number, env: Record<string, string>): Promise<BenchStack> {
  const redis: TestRedis = await testRedis(`bench-${name}`);
  const stack = await startServiceStack(sim.asSimulator, redis, { scorers, env: { LOG_LEVEL: 'info', ...env } });
  return {
    stack,
    async scorePass(questions, genieConcurrency, timeoutMs = 600_000) {
      // target 0.01: the run usually ends after its first pass, which is what is measured; when every train
      // question of that pass failed it goes on into a loop, so the status does not matter, only that pass
      const runId = await postRun(stack.api, { space_id: sim.info.spaceId, warehouse_id: sim.info.warehouseId, questions, genie_concurrency: genieConcurrency, target_score: 0.01, max_loops: 1 });
      await waitForRun(stack.api, runId, timeoutMs);
      const run = await (await apiFetch(stack.api, `/runs/${runId}`)).json();
      const timing = (run.timings as { loop: number; stage: string; duration_ms?: number }[]).find((t) => t.loop === 0 && t.stage === 'score');
      if (run.status === 'failed' || timing?.duration_ms === undefined) throw new Error(`bench run ${runId} ended ${run.status}: ${JSON.stringify(run).slice(0, 400)}`);
      return { passMs: timing.duration_ms, run };
    },
    async stop() {
      await stack.stop();
      await redis.cleanup();
    },
  };
}
