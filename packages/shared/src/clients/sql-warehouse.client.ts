import { SqlExecutionError } from '../errors/index.ts';
import type { ResultSet, SqlParamValue, SqlWarehouse } from '../stages/ports.ts';
import type { RestClient } from './rest-client.ts';

interface StatementResponse {
  statement_id: string;
  status: { state: string; error?: { error_code?: string; message?: string; sql_state?: string } };
  manifest?: { schema?: { columns?: { name: string; type_name: string }[] } };
  result?: { data_array?: (string | null)[][] };
}

/** The Statement Execution API's parameter type of a bound value (its value travels as a string). */
const paramType = (value: SqlParamValue): string =>
  value === null || typeof value === 'string' ? 'STRING' : typeof value === 'boolean' ? 'BOOLEAN' : Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';

const READ_ONLY = /^\s*(select|with|describe|show)\b/i;

/**
 * SQL warehouse through the Statement Execution API (INLINE, JSON_ARRAY). Read-only statements are retried on
 * transient failures; values arrive as strings and are typed by the comparison.
 */
export function createSqlWarehouseClient(options: { rest: RestClient; warehouseId: string; waitTimeoutS?: number }): SqlWarehouse {
  return {
    async query(sql, opts = {}) {
      const waitS = Math.min(50, Math.max(5, Math.round((opts.timeoutMs ?? 50_000) / 1000)));
      const response = await options.rest.request<StatementResponse>({
        method: 'POST',
        path: '/api/2.0/sql/statements',
        body: {
          statement: sql, warehouse_id: options.warehouseId, wait_timeout: `${waitS}s`, format: 'JSON_ARRAY', disposition: 'INLINE', on_wait_timeout: 'CANCEL',
          ...(opts.params ? { parameters: Object.entries(opts.params).map(([name, value]) => ({ name, value: value === null ? null : String(value), type: paramType(value) })) } : {}),
        },
        idempotent: opts.idempotent === true || READ_ONLY.test(sql) || /^\s*create\s+or\s+replace\b/i.test(sql),
      });
      if (response.status.state !== 'SUCCEEDED') {
        throw new SqlExecutionError(response.status.error?.message ?? `statement ${response.status.state}`, response.status.error?.sql_state);
      }
      const result: ResultSet = {
        columns: (response.manifest?.schema?.columns ?? []).map((c) => ({ name: c.name, type: c.type_name })),
        rows: response.result?.data_array ?? [],
      };
      return result;
    },
    async close() {},
  };
}
