import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabricksApiError, InputError, openWorkspace, resolveDatabricksAuth, type Workspace } from '@genie-enhancer/shared';
import { createSimulator, type Simulator } from '@genie-enhancer/databricks-sim';

// The SDK's credential chain against the simulator: PAT, OAuth M2M through its token endpoint, ~/.databrickscfg profiles.
describe('Databricks auth through the official SDK', () => {
  let sim: Simulator;
  let dir: string;
  let cfgFile: string;
  const opened: Workspace[] = [];
  beforeAll(async () => {
    sim = await createSimulator({ datasets: [join(import.meta.dirname, '..', 'datasets', 'kpi-retail')], genieLatencyMs: 10 });
    dir = await mkdtemp(join(tmpdir(), 'ge-auth-'));
    cfgFile = join(dir, 'databrickscfg');
    await writeFile(cfgFile, [
      '[DEFAULT]', `host = ${sim.url}`, `token = ${sim.token}`, '',
      '[m2m]', `host = ${sim.url}`, `client_id = ${sim.oauthClient.clientId}`, `client_secret = ${sim.oauthClient.clientSecret}`, '',
    ].join('\n'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((w) => w.close()));
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const oauthRequests = () => sim.requestLog.filter((r) => r.path.startsWith('/oidc/')).map((r) => `${r.method} ${r.path} ${r.status}`);

  async function spaceAndQuery(auth: Awaited<ReturnType<typeof resolveDatabricksAuth>>) {
    const workspace = openWorkspace({ host: auth.host, auth, warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    opened.push(workspace);
    const space = await workspace.spaces.get(sim.spaces[0].space_id);
    const result = await workspace.warehouse(sim.warehouseId).query('SELECT COUNT(*) AS n FROM main.retail.stores');
    return { title: space.title, rows: result.rows.map((r) => r.map(Number)) };
  }

  it('OAuth M2M from DATABRICKS_CLIENT_ID/SECRET: discovery, a client-credentials token, then REST and the SQL driver with it', async () => {
    const before = oauthRequests().length;
    const auth = await resolveDatabricksAuth({ env: { DATABRICKS_HOST: sim.url, DATABRICKS_CLIENT_ID: sim.oauthClient.clientId, DATABRICKS_CLIENT_SECRET: sim.oauthClient.clientSecret, DATABRICKS_CONFIG_FILE: join(dir, 'none') } });
    expect(auth.authType).toBe('oauth-m2m');
    const token = await auth.token();
    expect(token).toMatch(/^sim-oauth-/);
    expect(token).not.toBe(sim.token);
    expect(oauthRequests().slice(before)).toEqual(['GET /oidc/.well-known/oauth-authorization-server 200', 'POST /oidc/v1/token 200']);
    expect(await spaceAndQuery(auth)).toEqual({ title: 'Retail KPIs', rows: [[20]] });
  });

  it('a wrong client secret is refused by the token endpoint: a 401 error, not bad input', async () => {
    const error = await resolveDatabricksAuth({ env: { DATABRICKS_HOST: sim.url, DATABRICKS_CLIENT_ID: sim.oauthClient.clientId, DATABRICKS_CLIENT_SECRET: 'wrong', DATABRICKS_CONFIG_FILE: join(dir, 'none') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect((error as DatabricksApiError).status).toBe(401);
    expect((error as Error).message).toMatch(/oauth-m2m.*invalid_client/);
  });

  it('the DEFAULT profile of DATABRICKS_CONFIG_FILE gives a PAT', async () => {
    const auth = await resolveDatabricksAuth({ env: { DATABRICKS_CONFIG_FILE: cfgFile } });
    expect(auth.authType).toBe('pat');
    expect(await auth.token()).toBe(sim.token);
    expect(await spaceAndQuery(auth)).toEqual({ title: 'Retail KPIs', rows: [[20]] });
  });

  it('a named profile (DATABRICKS_CONFIG_PROFILE, or the profile option) gives M2M', async () => {
    for (const input of [{ env: { DATABRICKS_CONFIG_FILE: cfgFile, DATABRICKS_CONFIG_PROFILE: 'm2m' } }, { profile: 'm2m', env: { DATABRICKS_CONFIG_FILE: cfgFile } }]) {
      const auth = await resolveDatabricksAuth(input);
      expect(auth.authType).toBe('oauth-m2m');
      expect(await spaceAndQuery(auth)).toEqual({ title: 'Retail KPIs', rows: [[20]] });
    }
  });

  it('a missing profile is bad input that names the profile and the file', async () => {
    const error = await resolveDatabricksAuth({ profile: 'staging', env: { DATABRICKS_CONFIG_FILE: cfgFile } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('has no staging profile configured');
    expect((error as Error).message).toContain(cfgFile);
  });

  it('no host and no credential are bad input saying what to set', async () => {
    await expect(resolveDatabricksAuth({ env: { DATABRICKS_CONFIG_FILE: join(dir, 'none') } })).rejects.toThrow(/no workspace host/);
    await expect(resolveDatabricksAuth({ host: sim.url, env: { DATABRICKS_CONFIG_FILE: join(dir, 'none') } })).rejects.toThrow(/no credentials: .*DATABRICKS_CLIENT_ID/);
  });

  it('the simulator refuses a made-up bearer token on REST and the warehouse', async () => {
    const workspace = openWorkspace({ host: sim.url, token: 'sim-oauth-made-up', warehousePort: sim.warehousePort, caCertPem: sim.caCert });
    opened.push(workspace);
    await expect(workspace.spaces.get(sim.spaces[0].space_id)).rejects.toMatchObject({ status: 401 });
    await expect(workspace.warehouse(sim.warehouseId).query('SELECT 1')).rejects.toMatchObject({ errorCode: 'PERMISSION_DENIED' });
  });
});
