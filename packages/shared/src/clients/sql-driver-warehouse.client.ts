import { DBSQLClient } from '@databricks/sql';
import thriftTypes from '@databricks/sql/thrift/TCLIService_types.js';
import { DatabricksApiError, SqlExecutionError, TimeoutError } from '../errors/index.ts';
import type { ResultSet, SqlParamValue, SqlWarehouse } from '../stages/ports.ts';
import { withRetry } from '../util/retry.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import type { DatabricksAuth } from './databricks-auth.ts';

export interface DriverWarehouseOptions {
  hostname: string;
  port?: number;
  /** /sql/1.0/warehouses/<id> */
  path: string;
  /** a personal access token; or `auth`, any SDK credential (headers asked for per request, so OAuth refreshes) */
  token?: string;
  auth?: DatabricksAuth;
  /** PEM of a self-signed warehouse certificate (the simulator's) */
  caCertPem?: string;
  timeoutMs?: number;
  /** the driver's own log lines go here at debug level (it prints to stdout otherwise) */
  logger?: Logger;
}

/** Thrift type id → Databricks type name (DECIMAL_TYPE → DECIMAL), as the Statement Execution API names types. */
const typeName = (id: number | undefined) => (id === undefined ? 'STRING' : String(thriftTypes.TTypeId[id] ?? 'STRING').replace(/_TYPE$/, ''));

const READ_ONLY = /^\s*(select|with|describe|show)\b/i;

/**
 * The warehouse certificate is checked against this one CA only. The driver's `customCaCert` appends it to every
 * system root (~217 KB of PEM), and Node's HTTPS agent builds its pool key from the `ca` list on every request:
 * ~5 ms of CPU per query. One CA string keeps the key short; the agent itself is built once per client.
 */
function trustOnly(client: DBSQLClient, caCertPem: string): void {
  const driver = client as unknown as { getConnectionOptions(options: unknown): Record<string, unknown> };
  const connectionOptions = driver.getConnectionOptions.bind(client);
  driver.getConnectionOptions = (options) => ({ ...connectionOptions(options), ca: caCertPem });
}

/** SQL warehouse through the official @databricks/sql driver (HiveServer2 Thrift over HTTPS), one reused session. */
export function createDriverWarehouseClient(options: DriverWarehouseOptions): SqlWarehouse {
  const log = (options.logger ?? silentLogger).child({ component: 'databricks-sql-driver' });
  const client = new DBSQLClient({ logger: { log: (level: string, message: string) => (level === 'error' ? log.warn(message) : log.debug(message)) } as never });
  if (options.caCertPem) trustOnly(client, options.caCertPem);
  const credentials = options.auth ? { authType: 'custom', provider: { authenticate: () => options.auth!.headers() } } : { token: options.token };
  let session: Promise<Awaited<ReturnType<Awaited<ReturnType<DBSQLClient['connect']>>['openSession']>>> | undefined;
  const open = () =>
    (session ??= client
      .connect({ host: options.hostname, port: options.port ?? 443, path: options.path, ...credentials, telemetryEnabled: false } as never)
      .then((c) => c.openSession())
      .catch((error: unknown) => {
        session = undefined; // the next attempt connects again (a warehouse may still be starting)
        throw error;
      }));

  /** SQL errors (the statement ran and failed) are final; anything else is the warehouse being unreachable. */
  function typed(error: unknown, timeoutMs: number): Error {
    const e = error as { message?: string; errorCode?: string; response?: { sqlState?: string; errorMessage?: string } };
    if (e.errorCode === 'CANCELED') return new TimeoutError('SQL statement', timeoutMs);
    if (e.errorCode !== undefined && e.response !== undefined) return new SqlExecutionError(e.message ?? String(error), e.response.sqlState, { cause: error });
    session = undefined;
    const denied = /\b(401|403)\b|unauthori[sz]ed|forbidden|invalid access token/i.test(e.message ?? '');
    return new DatabricksApiError(`SQL warehouse ${options.path}: ${e.message ?? String(error)}`, undefined, denied ? 'PERMISSION_DENIED' : 'WAREHOUSE_UNAVAILABLE', { retryable: !denied, cause: error });
  }

  async function once(sql: string, timeoutMs: number, params?: Record<string, SqlParamValue>): Promise<ResultSet> {
    let operation: Awaited<ReturnType<Awaited<ReturnType<typeof open>>['executeStatement']>> | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void operation?.cancel().catch(() => undefined);
    }, timeoutMs);
    try {
      operation = await (await open()).executeStatement(sql, { runAsync: true, ...(params && Object.keys(params).length > 0 ? { namedParameters: params } : {}) });
      // the time ran out while the warehouse held the answer (waiting to return direct results): cancel it now
      if (timedOut) void operation.cancel().catch(() => undefined);
      const rows = (await operation.fetchAll()) as Record<string, unknown>[];
      const schema = await operation.getSchema();
      const columns = (schema?.columns ?? []).map((c) => ({ name: c.columnName, type: typeName(c.typeDesc.types[0]?.primitiveEntry?.type) }));
      return { columns, rows: rows.map((row) => columns.map((c) => row[c.name] ?? null)) };
    } catch (error) {
      throw typed(error, timeoutMs);
    } finally {
      clearTimeout(timer);
      await operation?.close().catch(() => undefined);
    }
  }

  return {
    query(sql, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 120_000;
      return withRetry(() => once(sql, timeoutMs, opts.params), {
        attempts: READ_ONLY.test(sql) || opts.idempotent ? 3 : 1, baseDelayMs: 500, maxDelayMs: 5_000,
        isRetryable: (error) => error instanceof DatabricksApiError && error.retryable,
      });
    },
    async close() {
      // a warehouse that went away would keep the driver retrying the close for half a minute
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      if (session) await bounded(session.then((s) => s.close()));
      await bounded(client.close());
    },
  };
}
