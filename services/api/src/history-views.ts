import type { FastifyBaseLogger } from 'fastify';
import { resultField, type RunStore, type StoredRun } from '@genie-enhancer/queue-runtime';
import type { HistoryReader, HistoryRunRecord, QuestionResult } from '@genie-enhancer/shared';
import { runDetail, runFixes, runQuestions, runSummary, type RunSource } from './run-views.ts';
import { runPasses, runProgress, runSnapshots, type DashboardSource } from './dashboard/dashboard-views.ts';

/** The history could not be read: the run is neither in Redis nor readable from Delta right now. */
export class HistoryUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(cause: unknown) {
    super(`the run is not in Redis and the history tables cannot be read now: ${(cause as Error).message}`, { cause });
  }
}

/** A run store's read side over the Delta history tables, for runs Redis no longer holds (one per request). */
function historySource(reader: HistoryReader): RunSource & DashboardSource {
  const records = new Map<string, Promise<HistoryRunRecord | undefined>>();
  const results = new Map<string, Promise<Map<number, QuestionResult[]>>>();
  const read = <T>(p: Promise<T>) => p.catch((error: unknown) => Promise.reject(new HistoryUnavailableError(error)));
  const record = (runId: string) => {
    if (!records.has(runId)) records.set(runId, read(reader.run(runId)));
    return records.get(runId)!;
  };
  const get = async (runId: string): Promise<StoredRun | undefined> => {
    const r = await record(runId);
    return r && { state: r.state, created_at: r.created_at, updated_at: r.updated_at, benchmark_source: r.benchmark_source, ...(r.started_by ? { started_by: r.started_by } : {}) };
  };
  const resultsOf = (runId: string) => {
    if (!results.has(runId)) results.set(runId, read(reader.results(runId)));
    return results.get(runId)!;
  };
  return {
    get,
    state: async (runId) => (await get(runId))?.state,
    lastProgress: async (run) => run.updated_at,
    timings: (runId) => read(reader.timings(runId)) as ReturnType<RunStore['timings']>,
    snapshots: (runId) => read(reader.snapshots(runId)),
    async questions(runId) {
      const [run, all] = await Promise.all([record(runId), resultsOf(runId)]);
      const asked = new Map([...all.values()].flat().map((r) => [r.question_id, r]));
      return (run?.question_ids ?? []).map((id) => ({ id, question: asked.get(id)?.question ?? id, expected_sql: asked.get(id)?.expected_sql ?? '' }));
    },
    async passResults(runId, pass) {
      return new Map(((await resultsOf(runId)).get(pass) ?? []).map((r) => [resultField(r.question_id, r.repeat), r]));
    },
  };
}

const served = <T extends object>(view: T | undefined) => view && { ...view, served_from: 'history' as const };

export type HistoryViews = ReturnType<typeof historyViews>;

/** The API's run views read from Delta, when Redis forgot the run. */
export function historyViews(reader: () => Promise<HistoryReader>, log: FastifyBaseLogger) {
  const source = async () => historySource(await reader().catch((error: unknown) => Promise.reject(new HistoryUnavailableError(error))));
  return {
    detail: async (runId: string, stalledAfterMs: number) => served(await runDetail(await source(), runId, stalledAfterMs)),
    questions: async (runId: string) => served(await runQuestions(await source(), runId)),
    fixes: async (runId: string) => served(await runFixes(await source(), runId)),
    progress: async (runId: string) => served(await runProgress(await source(), runId)),
    passes: async (runId: string) => served(await runPasses(await source(), runId)),
    snapshots: async (runId: string) => served(await runSnapshots(await source(), runId)),
    /** Redis holds the newest runs; when it has fewer than asked, older ones come from Delta (never failing the list) */
    async list<T extends { run_id: string; created_at: string }>(fromRedis: T[], limit: number) {
      if (fromRedis.length >= limit) return fromRedis;
      try {
        const listed = await (await reader()).listRuns({ limit });
        const known = new Set(fromRedis.map((r) => r.run_id));
        const hs = historySource(await reader());
        const older = (await Promise.all(listed.filter((r) => !known.has(r.run_id)).map((r) => hs.get(r.run_id))))
          .filter((r): r is StoredRun => r !== undefined)
          .map((run) => ({ ...runSummary(run), stalled: false, served_from: 'history' as const }));
        return [...fromRedis, ...older].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, limit);
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'history unreadable; listing the runs Redis holds');
        return fromRedis;
      }
    },
  };
}
