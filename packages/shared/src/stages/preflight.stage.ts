import { DatabricksApiError, PreflightError } from '../errors/index.ts';
import type { RunConfig } from '../schemas/index.ts';
import type { ChatModel, GenieSpaces, SqlWarehouse } from './ports.ts';

export interface PreflightDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  /** the separate connection benchmark and Genie SQL run on, when there is one */
  benchmarkWarehouse?: SqlWarehouse;
  model: ChatModel;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);

function spaceProblem(spaceId: string, error: unknown): string {
  if (error instanceof DatabricksApiError) {
    if (error.status === 401) return `token: the workspace refused it (${message(error)})`;
    if (error.status === 403) return `space ${spaceId}: no CAN EDIT permission (${message(error)})`;
    if (error.status === 404) return `space ${spaceId}: not found (${message(error)})`;
    if (error.status === undefined) return `host: workspace unreachable (${message(error)})`;
  }
  return `space ${spaceId}: ${message(error)}`;
}

/**
 * Checks, before the first question, that the host answers, the token is accepted, the space can be edited, the
 * warehouse runs `SELECT 1` and the planner endpoint is ready; every problem is named in one PreflightError.
 */
export async function preflight(deps: PreflightDeps, config: RunConfig, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  type Check = [string, Promise<unknown>, (error: unknown) => string];
  const checks: Check[] = [
    ['space', deps.spaces.get(config.space_id), (e) => spaceProblem(config.space_id, e)],
    ['warehouse', deps.warehouse.query('SELECT 1', { timeoutMs }), (e) => `warehouse ${config.warehouse_id}: ${message(e)}`],
    ...(deps.benchmarkWarehouse && deps.benchmarkWarehouse !== deps.warehouse
      ? [['benchmark warehouse', deps.benchmarkWarehouse.query('SELECT 1', { timeoutMs }), (e: unknown) => `benchmark warehouse token (BENCHMARK_WAREHOUSE_TOKEN, --benchmark-warehouse-token): warehouse ${config.warehouse_id} refused it: ${message(e)}`] as Check]
      : []),
    ['planner', deps.model.checkReady?.() ?? Promise.resolve(), (e) => `planner endpoint ${config.llm_endpoint}: ${message(e)}`],
  ];
  const settled = await Promise.allSettled(checks.map(([, check]) => check));
  const problems = settled.flatMap((s, i) => (s.status === 'rejected' ? [checks[i][2](s.reason)] : []));
  if (problems.length > 0) throw new PreflightError(problems);
}
