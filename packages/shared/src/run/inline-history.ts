import type { RunCommand, RunState } from '../engine/run-state.ts';
import type { HistoryEvent, HistoryTiming } from '../history/rows.ts';
import type { HistoryWriter } from '../history/history-writer.ts';
import type { ScoreReport } from '../schemas/index.ts';
import type { Logger } from '../util/logger.ts';

/** What the in-memory driver tells the history at the end of each stage. */
export interface StageRecord {
  state: RunState;
  command: RunCommand;
  loop: number;
  started_at: string;
  ended_at: string;
  report?: ScoreReport;
  /** serialized_space snapshots the stage took: before / after a loop's update */
  backups: Record<number, string>;
  snapshots: Record<number, string>;
}

/**
 * The CLI's history: the same writer as the mirror worker, called at the end of each stage with that stage's
 * events. A failed write never fails the run: its events wait and go with the next stage's (or the final flush).
 */
export function inlineHistory(writer: HistoryWriter, logger: Logger, meta: { questionIds: string[]; benchmarkSource: string; startedBy?: string; createdAt?: string }) {
  const pending: HistoryEvent[] = [];
  const timings: HistoryTiming[] = [];
  const written = { before: new Set<number>(), after: new Set<number>() };
  const createdAt = meta.createdAt ?? new Date().toISOString();
  // a resumed run (promote, discard later) must outrank what was written before: revisions are times
  let revision = 0;
  const nextRevision = () => (revision = Math.max(Date.now(), revision + 1));
  let lastError: Error | undefined;

  async function flush(): Promise<Error | undefined> {
    if (pending.length === 0) return undefined;
    const batch = pending.splice(0);
    try {
      await writer.write(batch);
      lastError = undefined;
    } catch (error) {
      pending.unshift(...batch);
      lastError = error as Error;
      logger.warn({ err: lastError.message, events: pending.length }, 'history write failed; retried after the next stage');
    }
    return lastError;
  }

  return {
    /** queues the stage's events and writes everything queued, in one batch */
    async stageEnded(record: StageRecord): Promise<void> {
      const { state } = record;
      timings.push({ loop: record.loop, stage: record.command.type, started_at: record.started_at, ended_at: record.ended_at, duration_ms: Date.parse(record.ended_at) - Date.parse(record.started_at) });
      const spaceId = state.work_space_id ?? state.config.space_id;
      if (record.report && record.command.type === 'score') {
        const holdout = new Set(state.holdout_ids);
        for (const split of ['train', 'holdout'] as const) {
          const results = record.report.results.filter((r) => holdout.has(r.question_id) === (split === 'holdout'));
          if (results.length > 0) pending.push({ type: 'results', run_id: state.run_id, pass: record.command.pass, split, results });
        }
      }
      for (const [kind, snapshots] of [['before', record.backups], ['after', record.snapshots]] as const) {
        for (const [loop, serialized] of Object.entries(snapshots)) {
          if (written[kind].has(Number(loop))) continue;
          written[kind].add(Number(loop));
          pending.push({ type: 'snapshot', run_id: state.run_id, loop: Number(loop), kind, space_id: kind === 'before' && Number(loop) === 0 ? state.config.space_id : spaceId, serialized_space: serialized, taken_at: record.ended_at });
        }
      }
      pending.push({
        type: 'run',
        run: {
          state, created_at: createdAt, updated_at: record.ended_at, benchmark_source: meta.benchmarkSource, revision: nextRevision(),
          question_ids: meta.questionIds, timings: [...timings], ...(meta.startedBy ? { started_by: meta.startedBy } : {}),
        },
      });
      await flush();
    },
    /** the last attempt at the end of the run; the error if events are still unwritten */
    flush,
  };
}
