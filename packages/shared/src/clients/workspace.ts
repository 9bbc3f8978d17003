import { silentLogger, type Logger } from '../util/logger.ts';
import type { ChatModel, GenieEvalRuns, GenieSpaces, SqlWarehouse } from '../stages/ports.ts';
import { createChatModelClient } from './chat-model.client.ts';
import { createGenieConversationsClient, type GenieConversationsClient } from './genie-conversations.client.ts';
import { createGenieSpacesClient } from './genie-spaces.client.ts';
import { createGenieEvalRunsClient } from './genie-eval-runs.client.ts';
import { patAuth, type DatabricksAuth } from './databricks-auth.ts';
import { createRestClient } from './rest-client.ts';
import { checkServingEndpoint } from './serving-endpoints.client.ts';
import { createDriverWarehouseClient } from './sql-driver-warehouse.client.ts';

/** Where a workspace is and how to reach its SQL warehouses. */
export interface WorkspaceTarget {
  /** workspace URL, e.g. https://adb-1.2.azuredatabricks.net */
  host: string;
  /** a personal access token, or `auth` from resolveDatabricksAuth (PAT, OAuth M2M/U2M, Azure, Google) */
  token?: string;
  auth?: DatabricksAuth;
  /** Thrift port of the SQL warehouses when not the host URL's (443 on Databricks) */
  warehousePort?: number;
  /** PEM of a self-signed warehouse certificate (the simulator's) */
  caCertPem?: string;
  /**
   * a separate token for running benchmark (expected) SQL and Genie's SQL, so that principal may hold read-only
   * grants; default: the workspace credential. Metric view DDL and the planner's table reads keep the workspace's.
   */
  benchmarkWarehouseToken?: string;
  /** false: a Genie 429 reaches the caller at once (a queue waits and retries under the shared limit) */
  retryGenieRateLimits?: boolean;
  logger?: Logger;
}

/** Every client a run needs; warehouses and models are opened once per id and reused. */
export interface Workspace {
  /** the workspace URL's origin */
  host: string;
  genie: GenieConversationsClient;
  spaces: GenieSpaces;
  evalRuns: GenieEvalRuns;
  warehouse(warehouseId: string): SqlWarehouse;
  /** where benchmark and Genie SQL run: the benchmark warehouse token's connection, else `warehouse(id)` */
  benchmarkWarehouse(warehouseId: string): SqlWarehouse;
  model(endpoint: string): ChatModel;
  close(): Promise<void>;
}

/** A workspace host as users write it (`adb-1.2.azuredatabricks.net` or a full URL) as a URL; https by default. */
export function workspaceUrl(host: string): URL {
  return new URL(/^https?:\/\//.test(host) ? host : `https://${host}`);
}

export function warehouseAddress(target: WorkspaceTarget, warehouseId: string) {
  const url = workspaceUrl(target.host);
  return {
    hostname: url.hostname,
    port: target.warehousePort ?? (url.port ? Number(url.port) : 443),
    path: `/sql/1.0/warehouses/${encodeURIComponent(warehouseId)}`,
    ...(target.caCertPem ? { caCertPem: target.caCertPem } : {}),
  };
}

export function openWorkspace(target: WorkspaceTarget): Workspace {
  const logger = target.logger ?? silentLogger;
  const host = workspaceUrl(target.host).origin;
  if (!target.auth && target.token === undefined) throw new Error('openWorkspace: give auth or token');
  const auth = target.auth ?? patAuth(host, target.token!);
  const rest = createRestClient({ host, auth, logger });
  const genieRest = target.retryGenieRateLimits === false ? createRestClient({ host, auth, logger, retryRateLimited: false }) : rest;
  const warehouses = new Map<string, SqlWarehouse>();
  const models = new Map<string, ChatModel>();
  const benchmarkAuth = target.benchmarkWarehouseToken ? patAuth(host, target.benchmarkWarehouseToken) : undefined;
  const opened = (key: string, id: string, as: DatabricksAuth) => {
    let warehouse = warehouses.get(key);
    if (!warehouse) warehouses.set(key, (warehouse = createDriverWarehouseClient({ ...warehouseAddress(target, id), auth: as, logger })));
    return warehouse;
  };
  return {
    host,
    genie: createGenieConversationsClient(genieRest),
    spaces: createGenieSpacesClient(rest),
    evalRuns: createGenieEvalRunsClient(rest),
    warehouse: (id) => opened(id, id, auth),
    benchmarkWarehouse: (id) => (benchmarkAuth ? opened(`benchmark:${id}`, id, benchmarkAuth) : opened(id, id, auth)),
    model(endpoint) {
      let model = models.get(endpoint);
      if (!model) models.set(endpoint, (model = { ...createChatModelClient({ host, auth, endpoint }), checkReady: () => checkServingEndpoint(rest, endpoint) }));
      return model;
    },
    async close() {
      await Promise.all([...warehouses.values()].map((w) => w.close().catch(() => undefined)));
    },
  };
}
