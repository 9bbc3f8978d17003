import type { Worker } from 'bullmq';
import type { Simulator } from '@genie-enhancer/databricks-sim';
import { ALL_QUEUES, createDispatcher, RunStore, startStageWorker, type StageContext } from '@genie-enhancer/queue-runtime';
import { isActive, openWorkspace, silentLogger, type BenchmarkQuestion, type ChatModel, type RunConfig, type RunState } from '@genie-enhancer/shared';
import type { TestRedis } from './test-redis.ts';

export interface InProcessRuntime {
  store: RunStore;
  workers: Worker[];
  /** creates a run and dispatches its first command, as POST /runs does */
  start(runId: string, config: RunConfig, questions: BenchmarkQuestion[]): Promise<void>;
  /** resolves with the run's state once it is no longer active, checked on every job event */
  finished(runId: string): Promise<RunState>;
  close(): Promise<void>;
}

/** The queue driver of the run engine, its three workers in this process, on real Redis and the simulator. */
export async function startInProcessRuntime(
  sim: Simulator,
  t: TestRedis,
  options: { wrapModel?: (model: ChatModel) => ChatModel; history?: boolean; /** the REST endpoint when not the simulator's own (a proxy) */ host?: string; benchmarkWarehouseToken?: string; evalPollMs?: { initial: number; max: number } } = {},
): Promise<InProcessRuntime> {
  const opened = openWorkspace({ host: options.host ?? sim.url, token: sim.token, warehousePort: sim.warehousePort, caCertPem: sim.caCert, retryGenieRateLimits: false,
    ...(options.benchmarkWarehouseToken ? { benchmarkWarehouseToken: options.benchmarkWarehouseToken } : {}),
  });
  const wrap = options.wrapModel;
  const workspace = wrap ? { ...opened, model: (endpoint: string) => wrap(opened.model(endpoint)) } : opened;
  const dispatcher = createDispatcher(t.redis, t.prefix, { retryBackoffMs: 100 });
  const store = new RunStore(t.redis, t.prefix, undefined, options.history ? { maxLength: 1_000_000 } : undefined);
  const ctx: StageContext = { store, workspace, dispatcher, logger: silentLogger, ...(options.evalPollMs ? { evalPollMs: options.evalPollMs } : {}) };
  const workers = ALL_QUEUES.map((queue) => startStageWorker({ queue, connection: t.redis, prefix: t.prefix, ctx, concurrency: 4, lockDurationMs: 10_000 }));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    store,
    workers,
    async start(runId, config, questions) {
      const { step } = await store.create({ runId, config, questions, source: 'inline' });
      await dispatcher.dispatch(step.state, step.commands);
    },
    finished(runId) {
      return new Promise((resolve, reject) => {
        const check = () =>
          void store.state(runId).then((state) => {
            if (!state || isActive(state)) return;
            for (const w of workers) w.off('completed', check).off('failed', check);
            resolve(state);
          }, reject);
        for (const w of workers) w.on('completed', check).on('failed', check);
        check();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await dispatcher.close();
      await workspace.close();
    },
  };
}
