import {
  createChatModelClient,
  createGenieConversationsClient,
  createGenieSpacesClient,
  createDriverWarehouseClient,
  createRestClient,
  resolveDatabricksConfig,
} from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import type { Connection } from './run-command.ts';
import type { RunOptions } from './run-options.ts';

/** Everything needed to open the clients of one run. */
export interface ConnectionTarget {
  /** workspace URL, e.g. https://adb-1.2.azuredatabricks.net */
  host: string;
  token: string;
  warehouse: { hostname: string; port: number; path: string; caCertPem?: string };
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
  const url = new URL(/^https?:\/\//.test(resolved.host) ? resolved.host : `https://${resolved.host}`);
  return {
    host: url.origin,
    token: resolved.token,
    warehouse: {
      hostname: url.hostname,
      port: opts.warehousePort ?? (url.port ? Number(url.port) : 443),
      path: `/sql/1.0/warehouses/${opts.config.warehouse_id}`,
      ...(caCertPem ? { caCertPem } : {}),
    },
    llmEndpoint: opts.config.llm_endpoint,
  };
}

/** Opens the real Databricks clients (REST for Genie and the model, the SQL driver for the warehouse). */
export async function connectDatabricks(target: ConnectionTarget): Promise<Connection> {
  const rest = createRestClient({ host: target.host, token: target.token });
  const warehouse = createDriverWarehouseClient({ ...target.warehouse, token: target.token });
  return {
    genie: createGenieConversationsClient(rest),
    spaces: createGenieSpacesClient(rest),
    model: createChatModelClient({ host: target.host, token: target.token, endpoint: target.llmEndpoint }),
    warehouse,
    close: () => warehouse.close(),
  };
}
