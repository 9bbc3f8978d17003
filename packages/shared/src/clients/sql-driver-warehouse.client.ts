import { DBSQLClient } from '@databricks/sql';
import thriftTypes from '@databricks/sql/thrift/TCLIService_types.js';
import { SqlExecutionError, TimeoutError } from '../errors/index.ts';
import type { ResultSet, SqlWarehouse } from '../stages/ports.ts';
import { withRetry } from '../util/retry.ts';
import { silentLogger, type Logger } from '../util/logger.ts';

export interface DriverWarehouseOptions {
  hostname: string;
  port?: number;
  /** /sql/1.0/warehouses/<id> */
  path: string;
  token: string;
  /** PEM of a self-signed warehouse certificate (the simulator's) */
  caCertPem?: string;
  timeoutMs?: number;
  /** the driver's own log lines go here at debug level (it prints to stdout otherwise) */
  logger?: Logger;
}

/** Thrift type id → Databricks type name (DECIMAL_TYPE → DECIMAL), as the Statement Execution API names types. */
const typeName = (id: number | undefined) => (id === undefined ? 'STRING' : String(thriftTypes.TTypeId[id] ?? 'STRING').replace(/_TYPE$/, ''));

const READ_ONLY = /^\s*(select|with|describe|show)\b/i;

/** SQL warehouse through the official @databricks/sql driver (HiveServer2 Thrift over HTTPS), one reused session. */
export function createDriverWarehouseClient(options: DriverWarehouseOptions): SqlWarehouse {
  const log = (options.logger ?? silentLogger).child({ component: 'databricks-sql-driver' });
  const client = new DBSQLClient({ logger: { log: (level: string, message: string) => (level === 'error' ? log.warn(message) : log.debug(message)) } as never });
  let session: Promise<Awaited<ReturnType<Awaited<ReturnType<DBSQLClient['connect']>>['openSession']>>> | undefined;
  const open = () =>
    (session ??= client
      .connect({ host: options.hostname, port: options.port ?? 443, path: options.path, token: options.token, ...(options.caCertPem ? { customCaCert: Buffer.from(options.caCertPem) } : {}), telemetryEnabled: false } as never)
      .then((c) => c.openSession()));

  async function once(sql: string, timeoutMs: number): Promise<ResultSet> {
    const s = await open();
    const operation = await s.executeStatement(sql, { runAsync: true });
    const timer = setTimeout(() => void operation.cancel().catch(() => undefined), timeoutMs);
    try {
      const rows = (await operation.fetchAll()) as Record<string, unknown>[];
      const schema = await operation.getSchema();
      const columns = (schema?.columns ?? []).map((c) => ({ name: c.columnName, type: typeName(c.typeDesc.types[0]?.primitiveEntry?.type) }));
      return { columns, rows: rows.map((row) => columns.map((c) => row[c.name] ?? null)) };
    } catch (error) {
      const e = error as { message?: string; sqlState?: string; name?: string };
      if (/cancel/i.test(e.message ?? '')) throw new TimeoutError('SQL statement', timeoutMs);
      throw new SqlExecutionError(e.message ?? String(error), e.sqlState, { cause: error });
    } finally {
      clearTimeout(timer);
      await operation.close().catch(() => undefined);
    }
  }

  return {
    query(sql, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 120_000;
      return withRetry(() => once(sql, timeoutMs), {
        attempts: READ_ONLY.test(sql) ? 3 : 1, baseDelayMs: 500, maxDelayMs: 5_000,
        isRetryable: (error) => !(error instanceof SqlExecutionError) && !(error instanceof TimeoutError),
      });
    },
    async close() {
      if (session) await (await session).close().catch(() => undefined);
      await client.close();
    },
  };
}
