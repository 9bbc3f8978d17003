import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriverWarehouseClient, DatabricksApiError } from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

describe('the warehouse client trusts exactly the one CA it is given', () => {
  let sim: Simulator;
  beforeAll(async () => void (sim = await createSimulator({ datasets: [join(import.meta.dirname, '..', 'datasets', 'kpi-retail')] })));
  afterAll(async () => sim.close());

  const client = (caCertPem: string) => createDriverWarehouseClient({ hostname: '127.0.0.1', port: sim.warehousePort, path: sim.warehousePath, token: sim.token, caCertPem });

  it("answers over TLS checked against the simulator's CA, many queries on one agent", async () => {
    const warehouse = client(sim.caCert);
    try {
      for (let i = 0; i < 5; i++) expect((await warehouse.query(`SELECT ${i} AS n`)).rows).toEqual([[i]]);
    } finally {
      await warehouse.close();
    }
  });

  it('refuses the warehouse when its certificate is not signed by the given CA (a public root here)', async () => {
    const warehouse = client(rootCertificates[0]);
    try {
      const error = await warehouse.query('SELECT 1 AS n', { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabricksApiError);
      expect((error as DatabricksApiError).message).toMatch(/certificate|self[- ]signed|verify/i);
    } finally {
      await warehouse.close();
    }
  }, 60_000);
});
