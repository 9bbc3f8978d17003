import type { SqlParamValue, SqlWarehouse } from '../stages/ports.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { historyRows, type HistoryEvent, type Row } from './rows.ts';
import { ensureHistorySchema, HISTORY_TABLE_NAMES, HISTORY_TABLES, quoted, tableName, type HistoryTable, type HistoryTarget, type TableSpec } from './schema.ts';

/** Most bound parameters in one statement: rows are split into MERGEs under it. */
const MAX_PARAMS = 256;

export interface HistoryWriter {
  /** Writes every row the events imply, one MERGE per table and chunk; replaying events never adds a row. */
  write(events: HistoryEvent[]): Promise<{ rows: number; statements: number }>;
}

const keyOf = (spec: TableSpec, row: Row) => spec.columns.filter((c) => c.key).map((c) => String(row[c.name])).join('\u0000');

/** One row per key: the newest revision wins, else the latest event. A MERGE source must not repeat a key. */
export function latestByKey(spec: TableSpec, rows: Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const key = keyOf(spec, row);
    const seen = byKey.get(key);
    if (!seen || !spec.revision || Number(row[spec.revision]) >= Number(seen[spec.revision])) byKey.set(key, row);
  }
  return [...byKey.values()];
}

/**
 * `MERGE INTO` of rows given only as named parameters (`:r<i>_<column>`): no value is ever part of the SQL text.
 * A matched row is replaced only by one at least as new (the table's revision column).
 */
export function mergeStatement(target: HistoryTarget, table: HistoryTable, rows: Row[]): { sql: string; params: Record<string, SqlParamValue> } {
  const spec: TableSpec = HISTORY_TABLES[table];
  const params: Record<string, SqlParamValue> = {};
  const selects = rows.map((row, i) =>
    `SELECT ${spec.columns.map((col) => {
      const name = `r${i}_${col.name}`;
      params[name] = row[col.name] ?? null;
      return `CAST(:${name} AS ${col.type}) AS ${quoted(col.name)}`;
    }).join(', ')}`);
  const keys = spec.columns.filter((col) => col.key);
  const others = spec.columns.filter((col) => !col.key);
  const q = (col: { name: string }) => quoted(col.name);
  const newer = spec.revision ? ` AND s.${quoted(spec.revision)} >= t.${quoted(spec.revision)}` : '';
  const sql = [
    `MERGE INTO ${tableName(target, table)} AS t`,
    `USING (${selects.join(' UNION ALL ')}) AS s`,
    `ON ${keys.map((col) => `t.${q(col)} = s.${q(col)}`).join(' AND ')}`,
    `WHEN MATCHED${newer} THEN UPDATE SET ${others.map((col) => `${q(col)} = s.${q(col)}`).join(', ')}`,
    `WHEN NOT MATCHED THEN INSERT (${spec.columns.map(q).join(', ')}) VALUES (${spec.columns.map((col) => `s.${q(col)}`).join(', ')})`,
  ].join('\n');
  return { sql, params };
}

/**
 * The history writer: the schema is ensured on first use (again after a failure), then each batch becomes keyed
 * MERGEs with bound parameters. This is the tool's own write to its own tables, never benchmark SQL: it does not
 * pass the read-only guard, and no user text is ever executed.
 */
export function createHistoryWriter(options: { warehouse: SqlWarehouse; target: HistoryTarget; logger?: Logger; timeoutMs?: number }): HistoryWriter {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let schema: Promise<number> | undefined;
  const ensure = () =>
    (schema ??= ensureHistorySchema(options.warehouse, options.target, timeoutMs).catch((error: unknown) => {
      schema = undefined;
      throw error;
    }));

  return {
    async write(events) {
      if (events.length === 0) return { rows: 0, statements: 0 };
      await ensure();
      const rows = historyRows(events);
      let written = 0;
      let statements = 0;
      for (const table of HISTORY_TABLE_NAMES) {
        const spec: TableSpec = HISTORY_TABLES[table];
        const unique = latestByKey(spec, rows[table]);
        const perStatement = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
        for (let i = 0; i < unique.length; i += perStatement) {
          const { sql, params } = mergeStatement(options.target, table, unique.slice(i, i + perStatement));
          await options.warehouse.query(sql, { params, timeoutMs, idempotent: true });
          statements++;
        }
        written += unique.length;
      }
      logger.debug({ events: events.length, rows: written, statements }, 'history written');
      return { rows: written, statements };
    },
  };
}
