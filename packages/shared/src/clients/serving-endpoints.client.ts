import { DatabricksApiError } from '../errors/index.ts';
import type { RestClient } from './rest-client.ts';

interface ServingEndpoint {
  name: string;
  state?: { ready?: string; config_update?: string };
}

/** GET /api/2.0/serving-endpoints/{name}: throws unless the endpoint exists and says READY. */
export async function checkServingEndpoint(rest: RestClient, name: string): Promise<void> {
  const endpoint = await rest.request<ServingEndpoint>({ method: 'GET', path: `/api/2.0/serving-endpoints/${encodeURIComponent(name)}`, idempotent: true });
  const ready = endpoint.state?.ready;
  if (ready !== undefined && ready !== 'READY') {
    throw new DatabricksApiError(`serving endpoint ${name} is not ready (state ${ready})`, 503, 'ENDPOINT_NOT_READY');
  }
}
