import type { InjectOptions, LightMyRequestResponse } from 'fastify';

/** Cancels every queued or running run (one active run per space; no worker runs them in these tests). */
export async function cancelActiveRuns(inject: (request: InjectOptions) => Promise<LightMyRequestResponse>, headers: Record<string, string>): Promise<void> {
  for (const run of (await inject({ method: 'GET', url: '/runs?limit=500', headers })).json().runs) {
    if (run.status === 'queued' || run.status === 'running') await inject({ method: 'POST', url: `/runs/${run.run_id}/cancel`, headers, payload: {} });
  }
}
