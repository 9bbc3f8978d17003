import { InputError } from '../errors/index.ts';
import type { SqlWarehouse } from '../stages/ports.ts';

/** Where the history tables live: a Unity Catalog `catalog.schema`. */
export interface HistoryTarget {
  catalog: string;
  schema: string;
}

export const DEFAULT_HISTORY_TARGET: HistoryTarget = { catalog: 'main', schema: 'genie_enhancement' };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Catalog and schema names go into the SQL text as identifiers, so only plain ones are accepted. */
export function historyTarget(catalog = DEFAULT_HISTORY_TARGET.catalog, schema = DEFAULT_HISTORY_TARGET.schema): HistoryTarget {
  for (const [field, value] of [['catalog', catalog], ['schema', schema]] as const) {
    if (!IDENTIFIER.test(value)) throw new InputError(`history ${field} "${value}" must be letters, digits and _ (not starting with a digit)`);
  }
  return { catalog: catalog.toLowerCase(), schema: schema.toLowerCase() };
}

export type ColumnType = 'STRING' | 'INT' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';
export interface Column {
  name: string;
  type: ColumnType;
  comment: string;
  /** part of the row's identity: MERGE matches on these, so a replayed event never adds a row */
  key?: true;
}
export interface TableSpec {
  comment: string;
  columns: Column[];
  /** a MERGE updates a matched row only when the incoming one is at least as new (events may arrive out of order) */
  revision?: string;
}

const c = (name: string, type: ColumnType, comment: string, key?: true): Column => ({ name, type, comment, ...(key ? { key } : {}) });

/** The history tables, version 1. Column order is the DDL's and the MERGE's. */
export const HISTORY_TABLES = {
  runs: {
    comment: 'One row per enhancement run: where it ran, how it was configured, how it ended',
    revision: 'revision',
    columns: [
      c('run_id', 'STRING', 'run id', true),
      c('space_id', 'STRING', 'the Genie space the run improves'),
      c('staging_space_id', 'STRING', 'the staging copy the run worked on; NULL when in place'),
      c('status', 'STRING', 'queued, running, completed, failed, cancelled, awaiting_review, promoted, discarded'),
      c('phase', 'STRING', 'what the run waits for; done at the end'),
      c('current_loop', 'INT', 'the loop being worked on; 0 = baseline'),
      c('config', 'STRING', 'the run configuration, JSON'),
      c('benchmark_source', 'STRING', 'where the questions came from: inline, file:<name>, space'),
      c('question_count', 'INT', 'benchmark questions'),
      c('question_ids', 'STRING', 'benchmark question ids in benchmark order, JSON'),
      c('initial_score', 'DOUBLE', 'train score of the baseline pass'),
      c('best_score', 'DOUBLE', 'highest train score of any pass'),
      c('final_score', 'DOUBLE', 'train score of the configuration the run ends with (the last kept one)'),
      c('initial_holdout', 'DOUBLE', 'held-out score of the baseline; NULL without a held-out split'),
      c('final_holdout', 'DOUBLE', 'held-out score of the kept configuration'),
      c('decision', 'STRING', 'why the loop stopped'),
      c('target_reached', 'BOOLEAN', 'the target score was reached'),
      c('started_by', 'STRING', 'who started the run (API key name, or the CLI user)'),
      c('started_at', 'TIMESTAMP', 'when the run was created'),
      c('updated_at', 'TIMESTAMP', 'the last change of the run'),
      c('finished_at', 'TIMESTAMP', 'when the run stopped being active; NULL while active'),
      c('error', 'STRING', 'why the run failed'),
      c('state', 'STRING', "the engine's whole run state, JSON (what the API serves when Redis forgot the run)"),
      c('stage_timings', 'STRING', 'every stage with its loop, start, end and duration, JSON'),
      c('revision', 'BIGINT', 'count of state changes; a row is replaced only by a newer one'),
    ],
  },
  passes: {
    comment: 'One row per scoring pass: loop 0 is the baseline, loop k the pass after its update',
    revision: 'revision',
    columns: [
      c('run_id', 'STRING', 'run id', true),
      c('loop', 'INT', 'loop (pass) number; 0 = baseline', true),
      c('kind', 'STRING', 'baseline or loop'),
      c('train_score', 'DOUBLE', 'mean pass fraction over the train questions'),
      c('train_passed', 'INT', 'train questions that passed every repeat'),
      c('train_total', 'INT', 'train questions'),
      c('interval_low', 'DOUBLE', '95% Wilson interval of the train pass rate, low end'),
      c('interval_high', 'DOUBLE', '95% Wilson interval of the train pass rate, high end'),
      c('holdout_score', 'DOUBLE', 'held-out score; NULL without a held-out split'),
      c('holdout_passed', 'INT', 'held-out questions that passed every repeat'),
      c('holdout_total', 'INT', 'held-out questions'),
      c('accepted', 'BOOLEAN', "the gate kept the loop's change; NULL for the baseline or before the gate"),
      c('rolled_back', 'BOOLEAN', "the loop's change was undone and verified"),
      c('rollback_reason', 'STRING', 'the gate rules the change broke'),
      c('fixed', 'STRING', 'question ids that now pass, JSON'),
      c('regressed', 'STRING', 'question ids that no longer pass, JSON'),
      c('decision', 'STRING', 'why the run stopped after this loop, if it did'),
      c('stage_timings', 'STRING', "the loop's stages with start, end and duration, JSON"),
      c('revision', 'BIGINT', 'run revision the row was written from'),
    ],
  },
  question_results: {
    comment: 'One row per question, repeat and pass',
    columns: [
      c('run_id', 'STRING', 'run id', true),
      c('loop', 'INT', 'pass number', true),
      c('question_id', 'STRING', 'benchmark question id', true),
      c('repeat', 'INT', '0-based repeat of the question in the pass', true),
      c('split', 'STRING', 'train or holdout'),
      c('question', 'STRING', 'the question as asked'),
      c('expected_sql', 'STRING', "the benchmark's SQL"),
      c('genie_sql', 'STRING', "Genie's SQL; NULL when it gave none"),
      c('verdict', 'STRING', 'pass, fail or error'),
      c('reason_code', 'STRING', 'why, as a code'),
      c('reason', 'STRING', 'why, in words'),
      c('latency_ms', 'BIGINT', 'time to the verdict'),
      c('conversation_id', 'STRING', 'Genie conversation'),
      c('result', 'STRING', 'the whole result, JSON'),
    ],
  },
  fixes: {
    comment: 'One row per distinct fix of a loop, with its latest status',
    revision: 'revision',
    columns: [
      c('run_id', 'STRING', 'run id', true),
      c('loop', 'INT', 'loop that proposed it', true),
      c('fix_id', 'STRING', 'hash of the fix content', true),
      c('kind', 'STRING', 'metric_view, metadata, example_sql, text_instruction (NULL when malformed)'),
      c('payload', 'STRING', 'the fix, JSON'),
      c('targets', 'STRING', 'question ids the fix is meant to repair, JSON'),
      c('status', 'STRING', 'proposed, rejected, applied or rolled_back'),
      c('status_reason', 'STRING', 'why it was rejected or skipped'),
      c('rationale', 'STRING', "the planner's rationale"),
      c('revision', 'BIGINT', 'run revision the row was written from'),
    ],
  },
  space_snapshots: {
    comment: "The space's serialized configuration around each loop's update",
    columns: [
      c('run_id', 'STRING', 'run id', true),
      c('loop', 'INT', 'loop; 0 with kind before = the original as the run copied it', true),
      c('kind', 'STRING', "before or after the loop's update", true),
      c('space_id', 'STRING', 'the space the snapshot was taken of'),
      c('etag', 'STRING', "sha256 of the serialized_space (the content's identity)"),
      c('serialized_space', 'STRING', 'the serialized_space, byte for byte'),
      c('taken_at', 'TIMESTAMP', 'when it was taken'),
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type HistoryTable = keyof typeof HISTORY_TABLES;
export const HISTORY_TABLE_NAMES = Object.keys(HISTORY_TABLES) as HistoryTable[];

export const tableName = (target: HistoryTarget, table: HistoryTable | 'schema_version'): string => `${target.catalog}.${target.schema}.${table}`;
/** A column name quoted, so words such as `loop` and `repeat` never meet a keyword of the SQL dialect. */
export const quoted = (column: string): string => `\`${column}\``;

const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function createTable(target: HistoryTarget, table: HistoryTable): string {
  const spec: TableSpec = HISTORY_TABLES[table];
  const columns = spec.columns.map((col) => `  ${quoted(col.name)} ${col.type}${col.key ? ' NOT NULL' : ''} COMMENT ${literal(col.comment)}`).join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${tableName(target, table)} (\n${columns}\n) USING DELTA COMMENT ${literal(spec.comment)} TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'genie_enhancer.history' = 'true')`;
}

/** Each version's statements; a later version adds a step, never edits an earlier one. */
export const HISTORY_MIGRATIONS: { version: number; statements: (target: HistoryTarget) => string[] }[] = [
  { version: 1, statements: (target) => HISTORY_TABLE_NAMES.map((table) => createTable(target, table)) },
];
export const HISTORY_SCHEMA_VERSION = HISTORY_MIGRATIONS.at(-1)!.version;

/** Creates the schema and tables if missing and applies the migrations past the recorded version. Idempotent. */
export async function ensureHistorySchema(warehouse: SqlWarehouse, target: HistoryTarget, timeoutMs = 120_000): Promise<number> {
  const run = (sql: string, params?: Record<string, number>) => warehouse.query(sql, { timeoutMs, idempotent: true, ...(params ? { params } : {}) });
  const versions = tableName(target, 'schema_version');
  const recorded = async () => Number((await run(`SELECT coalesce(max(version), 0) AS version FROM ${versions}`)).rows[0]?.[0] ?? 0);
  // tables already at this version need no DDL (nor the privilege to run it, when an admin created them)
  const existing = await recorded().catch(() => 0);
  if (existing >= HISTORY_SCHEMA_VERSION) return existing;
  await run(`CREATE SCHEMA IF NOT EXISTS ${target.catalog}.${target.schema} COMMENT ${literal('genie-enhancer run history')}`);
  await run(`CREATE TABLE IF NOT EXISTS ${versions} (version INT NOT NULL COMMENT 'a migration applied', applied_at TIMESTAMP COMMENT 'when') USING DELTA COMMENT ${literal('Migrations applied to the history tables')}`);
  const current = await recorded();
  for (const migration of HISTORY_MIGRATIONS.filter((m) => m.version > current)) {
    for (const statement of migration.statements(target)) await run(statement);
    await run(
      `MERGE INTO ${versions} AS t USING (SELECT CAST(:version AS INT) AS version) AS s ON t.version = s.version WHEN NOT MATCHED THEN INSERT (version, applied_at) VALUES (s.version, current_timestamp())`,
      { version: migration.version },
    );
  }
  return Math.max(current, HISTORY_SCHEMA_VERSION);
}
