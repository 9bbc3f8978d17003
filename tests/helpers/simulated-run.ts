import { createSimulator } from '@genie-enhancer/databricks-sim';
import {
  benchmarkFromSpace, createChatModelClient, createGenieConversationsClient, createGenieSpacesClient, createRestClient,
  createSqlWarehouseClient, parseSerializedSpace, RunConfig, runInline, type BenchmarkQuestion, type RunConfigInput,
} from '@genie-enhancer/shared';

/**
 * One auto-promoted run in memory on a dataset's space, over the REST clients against a fresh simulator; returns the
 * run, its benchmark (the given questions, else the space's own) and the space as the run left it.
 */
export async function runOnDataset(dataset: string, options: { questions?: BenchmarkQuestion[]; config?: Partial<RunConfigInput> } = {}) {
  const sim = await createSimulator({ datasets: [dataset], genieLatencyMs: 5 });
  try {
    const space = sim.spaces[0];
    const benchmark = options.questions ?? benchmarkFromSpace(parseSerializedSpace(space.serialized_space));
    const rest = createRestClient({ host: sim.url, token: sim.token });
    const summary = await runInline(
      {
        genie: createGenieConversationsClient(rest, { pollIntervalMs: { initial: 5, max: 20 } }),
        spaces: createGenieSpacesClient(rest),
        warehouse: createSqlWarehouseClient({ rest, warehouseId: sim.warehouseId }),
        model: createChatModelClient({ host: sim.url, token: sim.token, endpoint: 'planner' }),
      },
      { config: RunConfig.parse({ space_id: space.space_id, warehouse_id: sim.warehouseId, genie_concurrency: 4, auto_promote: true, ...options.config }), questions: benchmark },
    );
    return { summary, benchmark, finalSpace: parseSerializedSpace(sim.getSpace(space.space_id)!.serialized_space) };
  } finally {
    await sim.close();
  }
}
