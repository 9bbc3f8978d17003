import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CatalogSnapshot, CatalogTable, EngineColumn, EngineResult, MetricViewDefinition, SqlEngine, SqlParams } from '../catalog.types.ts';
import { SimSqlError } from '../catalog.types.ts';
import { loadDatasetFolder, type LoadedDataset } from '../dataset/load-dataset.ts';
import { expandMetricViews, parseMetricViewDdl } from './metric-views.ts';
import { databricksError, duckSchema, translateParamMarkers, translateSql } from './translate.ts';
import { sqlFunctionMacro } from './sql-functions.ts';

// Databricks functions DuckDB lacks or spells differently.
const MACROS = [
  'CREATE OR REPLACE MACRO date_sub(d, n) AS CAST(d AS DATE) - CAST(n AS INTEGER)',
  'CREATE OR REPLACE MACRO date_add(d, n) AS CAST(d AS DATE) + CAST(n AS INTEGER)',
  'CREATE OR REPLACE MACRO add_months(d, n) AS CAST(CAST(d AS DATE) + to_months(CAST(n AS INTEGER)) AS DATE)',
  'CREATE OR REPLACE MACRO nvl(a, b) AS coalesce(a, b)',
  'CREATE OR REPLACE MACRO try_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END',
];

export interface SimSqlEngine extends SqlEngine {
  loadDataset(dir: string): Promise<LoadedDataset>;
}

function databricksType(duck: string): { typeName: string; typeText: string; precision?: number; scale?: number } {
  const upper = duck.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)/.exec(upper);
  if (decimal) return { typeName: 'DECIMAL', typeText: `DECIMAL(${decimal[1]},${decimal[2]})`, precision: Number(decimal[1]), scale: Number(decimal[2]) };
  const name = upper === 'INTEGER' ? 'INT' : upper === 'HUGEINT' || upper === 'UBIGINT' ? 'BIGINT' : upper === 'VARCHAR' ? 'STRING' : upper.startsWith('TIMESTAMP') ? 'TIMESTAMP' : upper === 'REAL' ? 'FLOAT' : upper;
  return { typeName: name, typeText: name };
}

/** The DuckDB file of a data directory: what the warehouse wrote survives a restart of the simulator. */
/** distinct values per high-cardinality STRING column kept in Genie's value index */
const VALUE_INDEX_LIMIT = 1024;

export const WAREHOUSE_FILE = 'warehouse.duckdb';

/**
 * The simulated warehouse's SQL engine: Databricks SQL in, DuckDB underneath; in memory, or in `dataDir`'s
 * DuckDB file (tables written through the warehouse, e.g. run history, are there after a restart).
 */
export async function createSqlEngine(options: { today?: string; dataDir?: string } = {}): Promise<SimSqlEngine> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const instance = await DuckDBInstance.create(options.dataDir ? join(options.dataDir, WAREHOUSE_FILE) : ':memory:');
  const setup: DuckDBConnection = await instance.connect();
  // a fixed "today" makes relative-date questions reproducible
  const macros = options.today ? [...MACROS, `CREATE OR REPLACE MACRO sim_today() AS DATE '${options.today}'`] : MACROS;
  for (const macro of macros) await setup.run(macro);
  setup.closeSync();
  const tables = new Map<string, CatalogTable>();
  const views = new Map<string, MetricViewDefinition>();
  let snapshot: CatalogSnapshot | undefined;

  // One connection per statement, as a warehouse runs statements side by side; a cancel interrupts only its own.
  async function run(duckSql: string, signal?: AbortSignal, params?: SqlParams): Promise<EngineResult> {
    const connection = await instance.connect();
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      if (signal?.aborted) throw new SimSqlError('OPERATION_CANCELED', 'The statement was canceled.', '57014');
      const reader = params ? await connection.runAndReadAll(duckSql, params) : await connection.runAndReadAll(duckSql);
      const columns: EngineColumn[] = reader.columnNames().map((name, i) => ({ name, ...databricksType(reader.columnTypes()[i].toString()) }));
      const rows = reader.getRowsJson().map((row) => row.map((v, i) => (v === null ? null : columns[i].typeName === 'DECIMAL' ? String(v) : v)));
      return { columns, rows };
    } catch (error) {
      if (error instanceof SimSqlError) throw error;
      if (signal?.aborted) throw new SimSqlError('OPERATION_CANCELED', 'The statement was canceled.', '57014');
      const mapped = databricksError((error as Error).message);
      throw new SimSqlError(mapped.errorClass, mapped.detail, mapped.sqlState);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  const engine: SimSqlEngine = {
    async execute(sql, executeOptions = {}) {
      const view = parseMetricViewDdl(sql);
      if (view) {
        if (!tables.has(view.source)) throw new SimSqlError('TABLE_OR_VIEW_NOT_FOUND', `The table or view ${view.source} cannot be found.`, '42P01');
        views.set(view.identifier, view);
        snapshot = undefined;
        return { columns: [], rows: [] };
      }
      const macro = sqlFunctionMacro(sql);
      if (macro) return run(macro);
      const drop = /^\s*drop\s+view\s+(if\s+exists\s+)?([\w.`]+)\s*;?\s*$/i.exec(sql);
      const dropped = drop?.[2].replace(/`/g, '').toLowerCase();
      if (dropped && views.has(dropped)) {
        views.delete(dropped);
        snapshot = undefined;
        return { columns: [], rows: [] };
      }
      const expanded = expandMetricViews(sql, [...views.values()], (id) => tables.get(id)?.columns.map((c) => c.name) ?? []);
      const params = executeOptions.params && Object.keys(executeOptions.params).length > 0 ? executeOptions.params : undefined;
      let duckSql = translateSql(params ? translateParamMarkers(expanded) : expanded);
      if (options.today) duckSql = duckSql.replace(/\bcurrent_date\b/gi, 'sim_today()');
      // a Databricks schema is `catalog.schema`, a DuckDB schema of its own (see duckSchema)
      const schema = /^\s*create\s+(?:schema|database)\s+(?:if\s+not\s+exists\s+)?`?(\w+)`?\.`?(\w+)`?/i.exec(sql) ?? /^\s*create\s+schema\s+(?:if\s+not\s+exists\s+)?(\w+)__(\w+)/i.exec(duckSql);
      if (schema) return run(`CREATE SCHEMA IF NOT EXISTS ${duckSchema(schema[1], schema[2])}`);
      if (/^\s*(create|drop|alter|insert)/i.test(duckSql)) snapshot = undefined;
      return run(duckSql, executeOptions.signal, params);
    },
    async catalog() {
      snapshot ??= { tables: [...tables.values()], metricViews: [...views.values()] };
      return snapshot;
    },
    async loadDataset(dir) {
      const dataset = loadDatasetFolder(dir);
      for (const table of dataset.tables) {
        const [catalog, schemaName, name] = table.identifier.split('.');
        const target = `${duckSchema(catalog, schemaName)}.${name}`;
        await run(`CREATE SCHEMA IF NOT EXISTS ${duckSchema(catalog, schemaName)}`);
        const columns = table.columns.map((c) => `'${c.name}': '${translateSql(c.type)}'`).join(', ');
        await run(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM read_csv('${table.csvPath.replace(/'/g, "''")}', header = true, nullstr = '', columns = {${columns}})`);
        const values: Record<string, string[]> = {};
        const sampledValues: Record<string, string[]> = {};
        for (const column of table.columns.filter((c) => c.type === 'STRING')) {
          const distinct = await run(`SELECT DISTINCT "${column.name}" FROM ${target} WHERE "${column.name}" IS NOT NULL ORDER BY 1 LIMIT 51`);
          if (distinct.rows.length <= 50) values[column.name] = distinct.rows.map((r) => String(r[0]));
          else {
            const frequent = await run(`SELECT "${column.name}" FROM ${target} WHERE "${column.name}" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${VALUE_INDEX_LIMIT}`);
            sampledValues[column.name] = frequent.rows.map((r) => String(r[0]));
          }
        }
        tables.set(table.identifier, { identifier: table.identifier, columns: table.columns, values, sampledValues });
      }
      snapshot = undefined;
      return dataset;
    },
    async close() {
      instance.closeSync();
    },
  };
  return engine;
}
