import { createHash } from 'node:crypto';
import { acceptedPass, isActive } from '../engine/run-engine.ts';
import type { LoopRecord, RunState } from '../engine/run-state.ts';
import type { QuestionResult } from '../schemas/index.ts';
import type { SqlParamValue } from '../stages/ports.ts';
import { contentId } from '../util/ids.ts';
import type { HistoryTable } from './schema.ts';

/** A stage's start and end, as the run store keeps them. */
export interface HistoryTiming { loop: number; stage: string; started_at: string; ended_at?: string; duration_ms?: number }

/** A run as the history keeps it: the engine's state and what the driver knows around it. */
export interface HistoryRun {
  state: RunState;
  created_at: string;
  updated_at: string;
  benchmark_source: string;
  /** counts the run's state changes; the newest revision of a row wins, whatever order events arrive in */
  revision: number;
  question_ids: string[];
  started_by?: string;
  timings?: HistoryTiming[];
}

/**
 * What the outbox carries and the writer turns into rows. Each event holds the whole truth about its rows, so any
 * subset of events, replayed in any order and any number of times, leaves the same tables.
 */
export type HistoryEvent =
  | { type: 'run'; run: HistoryRun }
  | { type: 'results'; run_id: string; pass: number; split: 'train' | 'holdout'; results: QuestionResult[] }
  | { type: 'snapshot'; run_id: string; loop: number; kind: 'before' | 'after'; space_id: string; serialized_space: string; taken_at: string };

export type Row = Record<string, SqlParamValue>;
export type HistoryRows = Record<HistoryTable, Row[]>;

const json = (value: unknown): string => JSON.stringify(value);
const score = (loop: LoopRecord | undefined) => loop?.pass?.score ?? null;

function runRow(run: HistoryRun): Row {
  const { state } = run;
  const sorted = [...state.loops].sort((a, b) => a.loop - b.loop);
  const scores = sorted.flatMap((l) => (l.pass ? [l.pass.score] : []));
  const kept = acceptedPass(state);
  return {
    run_id: state.run_id,
    space_id: state.config.space_id,
    staging_space_id: state.work_space_id && state.work_space_id !== state.config.space_id ? state.work_space_id : null,
    status: state.status,
    phase: state.phase,
    current_loop: state.loop,
    config: json(state.config),
    benchmark_source: run.benchmark_source,
    question_count: state.question_count,
    question_ids: json(run.question_ids),
    initial_score: score(sorted.find((l) => l.loop === 0)),
    best_score: scores.length > 0 ? Math.max(...scores) : null,
    final_score: kept?.score ?? null,
    initial_holdout: sorted.find((l) => l.loop === 0)?.pass?.holdout?.score ?? null,
    final_holdout: kept?.holdout?.score ?? null,
    decision: state.decision ?? null,
    target_reached: state.target_reached ?? null,
    started_by: run.started_by ?? null,
    started_at: run.created_at,
    updated_at: run.updated_at,
    finished_at: isActive(state) ? null : run.updated_at,
    error: state.error ?? null,
    state: json(state),
    stage_timings: json(run.timings ?? []),
    revision: run.revision,
  };
}

function passRow(run: HistoryRun, loop: LoopRecord): Row {
  const pass = loop.pass!;
  return {
    run_id: run.state.run_id,
    loop: loop.loop,
    kind: loop.loop === 0 ? 'baseline' : 'loop',
    train_score: pass.score,
    train_passed: pass.passed,
    train_total: pass.total,
    interval_low: pass.interval[0],
    interval_high: pass.interval[1],
    holdout_score: pass.holdout?.score ?? null,
    holdout_passed: pass.holdout?.passed ?? null,
    holdout_total: pass.holdout?.total ?? null,
    accepted: loop.gate ? loop.gate.accepted : null,
    rolled_back: loop.rolled_back ?? false,
    rollback_reason: loop.gate && !loop.gate.accepted ? loop.gate.reasons.join('; ') : null,
    fixed: json(loop.gate?.fixed ?? pass.fixed),
    regressed: json(loop.gate?.regressed ?? pass.regressed),
    decision: loop.decision ?? null,
    stage_timings: json((run.timings ?? []).filter((t) => t.loop === loop.loop)),
    revision: run.revision,
  };
}

/** Identity of a fix within its loop: the hash of its content, so the planner's fix and the applied one match. */
export const fixId = (fix: unknown): string => contentId(json(fix));

function fixRows(run: HistoryRun, loop: LoopRecord): Row[] {
  const rows = new Map<string, Row>();
  const put = (fix: unknown, status: string, reason: string | null) => {
    const f = (fix ?? {}) as { kind?: unknown; targets?: unknown; rationale?: unknown };
    const id = fixId(fix);
    rows.set(id, {
      run_id: run.state.run_id,
      loop: loop.loop,
      fix_id: id,
      kind: typeof f.kind === 'string' ? f.kind : null,
      payload: json(fix ?? null),
      targets: json(Array.isArray(f.targets) ? f.targets : []),
      status,
      status_reason: reason,
      rationale: typeof f.rationale === 'string' ? f.rationale : null,
      revision: run.revision,
    });
  };
  // later stages overwrite earlier ones: proposed → rejected/skipped or applied → rolled back
  for (const fix of loop.plan?.proposed ?? []) put(fix, 'proposed', null);
  for (const r of loop.plan?.rejected ?? []) put(r.fix, 'rejected', r.reason);
  for (const r of loop.apply?.skipped ?? []) put(r.fix, 'rejected', r.reason);
  for (const fix of loop.apply?.applied ?? []) put(fix, loop.rolled_back ? 'rolled_back' : 'applied', loop.rolled_back ? (loop.gate?.reasons.join('; ') ?? null) : null);
  return [...rows.values()];
}

function resultRow(event: Extract<HistoryEvent, { type: 'results' }>, result: QuestionResult): Row {
  return {
    run_id: event.run_id,
    loop: event.pass,
    question_id: result.question_id,
    repeat: result.repeat ?? 0,
    split: event.split,
    question: result.question,
    expected_sql: result.expected_sql,
    genie_sql: result.genie_sql ?? null,
    verdict: result.verdict,
    reason_code: result.reason_code,
    reason: result.reason,
    latency_ms: Math.round(result.duration_ms),
    conversation_id: result.conversation_id ?? null,
    result: json(result),
  };
}

/** The rows a batch of events leaves in each table (not yet deduplicated by key). */
export function historyRows(events: HistoryEvent[]): HistoryRows {
  const rows: HistoryRows = { runs: [], passes: [], question_results: [], fixes: [], space_snapshots: [] };
  for (const event of events) {
    switch (event.type) {
      case 'run': {
        const loops = event.run.state.loops;
        rows.runs.push(runRow(event.run));
        rows.passes.push(...loops.filter((l) => l.pass).map((l) => passRow(event.run, l)));
        rows.fixes.push(...loops.flatMap((l) => fixRows(event.run, l)));
        break;
      }
      case 'results':
        rows.question_results.push(...event.results.map((r) => resultRow(event, r)));
        break;
      case 'snapshot':
        rows.space_snapshots.push({
          run_id: event.run_id, loop: event.loop, kind: event.kind, space_id: event.space_id,
          etag: createHash('sha256').update(event.serialized_space).digest('hex'),
          serialized_space: event.serialized_space, taken_at: event.taken_at,
        });
        break;
    }
  }
  return rows;
}
