import pLimit from 'p-limit';
import type { EvalResultDetails, EvalRun, GenieEvalRuns } from '../stages/ports.ts';
import type { RestClient } from './rest-client.ts';

/** Genie's benchmark evaluation API (Beta; not in the JS SDK 0.17, so the paths are called directly). */
export function createGenieEvalRunsClient(rest: RestClient): GenieEvalRuns {
  const runs = (spaceId: string) => `/api/2.0/genie/spaces/${encodeURIComponent(spaceId)}/eval-runs`;
  return {
    async create(spaceId, benchmarkQuestionIds) {
      // not idempotent: a retried POST could start a second run (harmless: it only reads the space)
      return rest.request<EvalRun>({ method: 'POST', path: runs(spaceId), body: benchmarkQuestionIds ? { benchmark_question_ids: benchmarkQuestionIds } : {}, idempotent: false });
    },
    async get(spaceId, evalRunId) {
      return rest.request<EvalRun>({ method: 'GET', path: `${runs(spaceId)}/${encodeURIComponent(evalRunId)}`, idempotent: true });
    },
    async results(spaceId, evalRunId) {
      const base = `${runs(spaceId)}/${encodeURIComponent(evalRunId)}/results`;
      const listed: { result_id: string }[] = [];
      let pageToken: string | undefined;
      do {
        const page = await rest.request<{ eval_results?: { result_id: string }[]; next_page_token?: string }>({ method: 'GET', path: base, query: { page_token: pageToken }, idempotent: true });
        listed.push(...(page.eval_results ?? []));
        pageToken = page.next_page_token || undefined;
      } while (pageToken);
      const limit = pLimit(4);
      return Promise.all(listed.map((r) => limit(() => rest.request<EvalResultDetails>({ method: 'GET', path: `${base}/${encodeURIComponent(r.result_id)}`, idempotent: true }))));
    },
  };
}
