import type { RunState } from '../engine/run-state.ts';
import type { QuestionResult } from '../schemas/index.ts';
import type { SqlWarehouse } from '../stages/ports.ts';
import type { HistoryTiming } from './rows.ts';
import { tableName, type HistoryTarget } from './schema.ts';

/** A run as read back from the history tables. */
export interface HistoryRunRecord {
  state: RunState;
  created_at: string;
  updated_at: string;
  benchmark_source: string;
  question_ids: string[];
  started_by: string | null;
}

/** A run in `genie-enhance history`: where, how it ended, and its score per pass. */
export interface HistoryListEntry {
  run_id: string;
  space_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  decision: string | null;
  initial_score: number | null;
  best_score: number | null;
  final_score: number | null;
  passes: { loop: number; train_score: number; holdout_score: number | null; accepted: boolean | null; rolled_back: boolean }[];
}

export interface HistoryReader {
  listRuns(options?: { spaceId?: string; limit?: number }): Promise<HistoryListEntry[]>;
  run(runId: string): Promise<HistoryRunRecord | undefined>;
  /** every stored answer of the run, by pass */
  results(runId: string): Promise<Map<number, QuestionResult[]>>;
  timings(runId: string): Promise<HistoryTiming[]>;
  /** serialized_space by loop: before each loop's update (`backups`) and after it (`snapshots`), as the run store keeps them */
  snapshots(runId: string): Promise<{ backups: Record<number, string>; snapshots: Record<number, string> }>;
}

type Value = unknown;
const text = (v: Value): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: Value): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: Value): boolean | null => (v === null || v === undefined ? null : v === true || v === 'true' || v === 1);
/** TIMESTAMP values come back as strings or Dates depending on the transport; ISO either way */
const iso = (v: Value): string | null => (v === null || v === undefined ? null : new Date(v instanceof Date ? v : /[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v).replace(' ', 'T')}Z`).toISOString());

/** Reads the history tables back (all values as bound parameters; the limit is a checked integer). */
export function createHistoryReader(options: { warehouse: SqlWarehouse; target: HistoryTarget; timeoutMs?: number }): HistoryReader {
  const { warehouse, target } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const query = async (sql: string, params: Record<string, string | number | null> = {}) => {
    const result = await warehouse.query(sql, { params, timeoutMs, idempotent: true });
    const names = result.columns.map((c) => c.name);
    return result.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])) as Record<string, Value>);
  };

  return {
    async listRuns({ spaceId, limit = 50 } = {}) {
      const n = Math.trunc(limit);
      if (!Number.isSafeInteger(n) || n < 1 || n > 10_000) throw new RangeError(`limit must be 1..10000, got ${limit}`);
      const runs = await query(
        `SELECT run_id, space_id, status, started_at, finished_at, decision, initial_score, best_score, final_score FROM ${tableName(target, 'runs')}
         WHERE :space_id IS NULL OR space_id = :space_id ORDER BY started_at DESC, run_id LIMIT ${n}`,
        { space_id: spaceId ?? null },
      );
      if (runs.length === 0) return [];
      const ids = Object.fromEntries(runs.map((r, i) => [`id${i}`, String(r.run_id)]));
      const passes = await query(
        `SELECT run_id, \`loop\`, train_score, holdout_score, accepted, rolled_back FROM ${tableName(target, 'passes')}
         WHERE run_id IN (${Object.keys(ids).map((k) => `:${k}`).join(', ')}) ORDER BY run_id, \`loop\``,
        ids,
      );
      return runs.map((r) => ({
        run_id: String(r.run_id),
        space_id: String(r.space_id),
        status: String(r.status),
        started_at: iso(r.started_at)!,
        finished_at: iso(r.finished_at),
        decision: text(r.decision),
        initial_score: num(r.initial_score),
        best_score: num(r.best_score),
        final_score: num(r.final_score),
        passes: passes.filter((p) => p.run_id === r.run_id).map((p) => ({
          loop: Number(p.loop), train_score: Number(p.train_score), holdout_score: num(p.holdout_score), accepted: bool(p.accepted), rolled_back: bool(p.rolled_back) ?? false,
        })),
      }));
    },
    async run(runId) {
      const [row] = await query(`SELECT state, started_at, updated_at, benchmark_source, question_ids, started_by FROM ${tableName(target, 'runs')} WHERE run_id = :run_id`, { run_id: runId });
      if (!row) return undefined;
      return {
        state: JSON.parse(String(row.state)) as RunState,
        created_at: iso(row.started_at)!,
        updated_at: iso(row.updated_at)!,
        benchmark_source: String(row.benchmark_source),
        question_ids: JSON.parse(String(row.question_ids ?? '[]')) as string[],
        started_by: text(row.started_by),
      };
    },
    async results(runId) {
      const rows = await query(`SELECT \`loop\`, result FROM ${tableName(target, 'question_results')} WHERE run_id = :run_id ORDER BY \`loop\`, question_id, \`repeat\``, { run_id: runId });
      const byPass = new Map<number, QuestionResult[]>();
      for (const row of rows) {
        const pass = Number(row.loop);
        byPass.set(pass, [...(byPass.get(pass) ?? []), JSON.parse(String(row.result)) as QuestionResult]);
      }
      return byPass;
    },
    async timings(runId) {
      const [row] = await query(`SELECT stage_timings FROM ${tableName(target, 'runs')} WHERE run_id = :run_id`, { run_id: runId });
      return row ? (JSON.parse(String(row.stage_timings ?? '[]')) as HistoryTiming[]) : [];
    },
    async snapshots(runId) {
      const rows = await query(`SELECT \`loop\`, kind, serialized_space FROM ${tableName(target, 'space_snapshots')} WHERE run_id = :run_id ORDER BY \`loop\``, { run_id: runId });
      const of = (kind: string) => Object.fromEntries(rows.filter((r) => r.kind === kind).map((r) => [Number(r.loop), String(r.serialized_space)])) as Record<number, string>;
      return { backups: of('before'), snapshots: of('after') };
    },
  };
}
