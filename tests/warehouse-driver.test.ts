import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriverWarehouseClient, DatabricksApiError, SqlExecutionError, TimeoutError, type SqlWarehouse } from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

describe('the official @databricks/sql driver against the simulated warehouse (Thrift over HTTPS)', () => {
  let sim: Simulator;
  let warehouse: SqlWarehouse;
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(import.meta.dirname, '..', 'datasets', 'kpi-retail')] });
    warehouse = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
  });
  afterAll(async () => {
    await warehouse.close();
    await sim.close();
  });

  it('runs a query with three-part names, DECIMAL, DATE and NULL values', async () => {
    const result = await warehouse.query("SELECT rgn, COUNT(*) AS n, CAST(NULL AS STRING) AS nothing, DATE '2024-01-01' AS d, CAST(2.5 AS DECIMAL(10,2)) AS x FROM main.retail.stores GROUP BY rgn ORDER BY rgn");
    expect(result.rows).toHaveLength(4);
    expect(result.columns.map((c) => c.type)).toEqual(['STRING', 'BIGINT', 'STRING', 'DATE', 'DECIMAL']);
    expect(result.rows[0][0]).toBe('East');
    expect(Number(result.rows[0][1])).toBe(5);
    expect(result.rows[0][2]).toBeNull();
    expect(String(result.rows[0][3])).toContain('2024-01-01');
    expect(Number(result.rows[0][4])).toBe(2.5);
  });

  it('answers a small result in one round trip: status, metadata, rows and the close come with the statement', async () => {
    await warehouse.query('SELECT 1'); // the session is open
    const before = sim.warehouseRequestsByToken.get('workspace') ?? 0;
    const result = await warehouse.query('SELECT rgn, COUNT(*) AS n FROM main.retail.stores GROUP BY rgn ORDER BY rgn');
    expect(result.rows.map((r) => r[0])).toEqual(['East', 'North', 'South', 'West']);
    expect(sim.warehouseRequestsByToken.get('workspace')! - before).toBe(1);
  });

  it('pages through a result larger than the direct results (100,000 rows), every row once', async () => {
    const result = await warehouse.query('SELECT o.*, r.range AS copy FROM main.retail.orders o CROSS JOIN range(26) r');
    expect(result.rows).toHaveLength(4004 * 26);
    const copyAt = result.columns.findIndex((c) => c.name === 'copy');
    expect(new Set(result.rows.map((row) => `${row[0]}:${row[1]}:${row[copyAt]}`)).size).toBe(4004 * 26);
  });

  it('creates a metric view through SQL and queries it with MEASURE()', async () => {
    await warehouse.query(`CREATE OR REPLACE VIEW main.retail.order_metrics WITH METRICS LANGUAGE YAML AS $$
version: 1.1
source: main.retail.orders
filter: stat <> 'CANCELLED'
dimensions:
  - name: channel
    expr: chnl
measures:
  - name: revenue
    expr: SUM(net_amt)
$$`);
    const viaView = await warehouse.query('SELECT channel, MEASURE(revenue) AS revenue FROM main.retail.order_metrics GROUP BY ALL ORDER BY channel');
    const direct = await warehouse.query("SELECT chnl, SUM(net_amt) FROM main.retail.orders WHERE stat <> 'CANCELLED' GROUP BY chnl ORDER BY chnl");
    expect(viaView.rows.map((r) => [r[0], Number(r[1])])).toEqual(direct.rows.map((r) => [r[0], Number(r[1])]));
  });

  it('reports a SQL error as a typed SqlExecutionError with the Databricks error class', async () => {
    const error = await warehouse.query('SELECT no_such_column FROM main.retail.stores').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlExecutionError);
    expect((error as Error).message).toMatch(/UNRESOLVED_COLUMN/);
  });

  it('refuses a wrong token with a typed, non-retryable error', async () => {
    const wrong = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: 'wrong', caCertPem: sim.caCert });
    const error = await wrong.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({ errorCode: 'PERMISSION_DENIED', retryable: false });
    await wrong.close().catch(() => undefined);
  });

  it('cancels a statement that runs past its timeout and reports a TimeoutError', async () => {
    const error = await warehouse.query('SELECT COUNT(*) FROM main.retail.orders a, main.retail.orders b, main.retail.orders c', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // the session stays usable
    expect((await warehouse.query('SELECT 1 AS one')).rows).toEqual([[1]]);
  });

  it('reconnects once an unreachable warehouse comes up, instead of keeping the failed connection', async () => {
    const client = createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem: sim.caCert });
    try {
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([[1]]);
      await sim.stopWarehouse();
      const error = await client.query('SELECT 1').catch((e: unknown) => e);
      expect(error).toMatchObject({ errorCode: 'WAREHOUSE_UNAVAILABLE', retryable: true });
      expect((error as Error).message).toContain(sim.warehousePath);
      await sim.startWarehouse();
      expect((await client.query('SELECT 2 AS two')).rows).toEqual([[2]]);
    } finally {
      await sim.startWarehouse();
      await client.close();
    }
  });
});
