import { openWorkspace, resolveDatabricksConfig, workspaceUrl, type WorkspaceTarget } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import type { Connection } from './run-command.ts';
import type { RunOptions } from './run-options.ts';

/** Everything needed to open the clients of one run. */
export interface ConnectionTarget extends WorkspaceTarget {
  warehouseId: string;
  llmEndpoint: string;
}

/** Host and token from flags, env or ~/.databrickscfg; the warehouse address from the host unless overridden. */
export async function resolveConnectionTarget(opts: RunOptions, env: Record<string, string | undefined>, caCertPem?: string): Promise<ConnectionTarget> {
  let resolved: { host: string; token: string };
  try {
    resolved = await resolveDatabricksConfig({ host: opts.host, token: opts.token, profile: opts.profile, env });
  } catch (error) {
    throw new UsageError(`--host/--token: ${(error as Error).message.split('\n')[0]}`);
  }
  return {
    host: workspaceUrl(resolved.host).origin,
    token: resolved.token,
    ...(opts.warehousePort !== undefined ? { warehousePort: opts.warehousePort } : {}),
    ...(caCertPem ? { caCertPem } : {}),
    warehouseId: opts.config.warehouse_id,
    llmEndpoint: opts.config.llm_endpoint,
  };
}

/** Opens the real Databricks clients (REST for Genie and the model, the SQL driver for the warehouse). */
export async function connectDatabricks(target: ConnectionTarget): Promise<Connection> {
  const workspace = openWorkspace(target);
  return {
    genie: workspace.genie,
    spaces: workspace.spaces,
    model: workspace.model(target.llmEndpoint),
    warehouse: workspace.warehouse(target.warehouseId),
    close: () => workspace.close(),
  };
}
