import { InputError, openWorkspace, resolveDatabricksAuth, type WorkspaceTarget } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import type { Connection } from './run-command.ts';
import type { RunOptions } from './run-options.ts';

/** Everything needed to open the clients of one run. */
export interface ConnectionTarget extends WorkspaceTarget {
  warehouseId: string;
  llmEndpoint: string;
}

/** Host and credentials through the SDK (flags, DATABRICKS_* variables, a ~/.databrickscfg profile). */
export async function resolveConnectionTarget(opts: RunOptions, env: Record<string, string | undefined>, caCertPem?: string): Promise<ConnectionTarget> {
  const auth = await resolveCliAuth(opts, env);
  return {
    host: auth.host,
    auth,
    ...(opts.warehousePort !== undefined ? { warehousePort: opts.warehousePort } : {}),
    ...(caCertPem ? { caCertPem } : {}),
    ...(opts.benchmarkWarehouseToken ? { benchmarkWarehouseToken: opts.benchmarkWarehouseToken } : {}),
    warehouseId: opts.config.warehouse_id,
    llmEndpoint: opts.config.llm_endpoint,
  };
}

/** A missing or bad setting (an unknown profile names itself) is bad input, exit 2; a refused credential is not. */
export async function resolveCliAuth(opts: { host?: string; token?: string; profile?: string }, env: Record<string, string | undefined>) {
  try {
    return await resolveDatabricksAuth({ host: opts.host, token: opts.token, profile: opts.profile, env });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`--host/--token/--profile: ${error.message}`);
    throw error;
  }
}

/** Opens the real Databricks clients (REST for Genie and the model, the SQL driver for the warehouse). */
export async function connectDatabricks(target: ConnectionTarget): Promise<Connection> {
  const workspace = openWorkspace(target);
  return {
    genie: workspace.genie,
    spaces: workspace.spaces,
    evalRuns: workspace.evalRuns,
    model: workspace.model(target.llmEndpoint),
    warehouse: workspace.warehouse(target.warehouseId),
    benchmarkWarehouse: workspace.benchmarkWarehouse(target.warehouseId),
    close: () => workspace.close(),
  };
}
