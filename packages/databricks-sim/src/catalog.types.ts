/** What the simulated workspace knows about its data; shared by the SQL engine, the simulated Genie and model. */

export interface CatalogColumn {
  name: string;
  /** Databricks type text, upper case: BIGINT, INT, STRING, DATE, TIMESTAMP, DOUBLE, DECIMAL(12,2), BOOLEAN */
  type: string;
}

export interface CatalogTable {
  /** three-part name, lower case: catalog.schema.table */
  identifier: string;
  columns: CatalogColumn[];
  /** distinct values of low-cardinality STRING columns (at most ~50 each), keyed by column name */
  values: Record<string, string[]>;
  /**
   * Genie's value index for the other STRING columns: their most frequent distinct values (at most 1024 each, as a
   * real space's value dictionary holds), used only to recognise a value the question spells out.
   */
  sampledValues?: Record<string, string[]>;
}

export interface MetricViewField {
  name: string;
  expr: string;
  comment?: string;
  synonyms?: string[];
}

/** A Unity Catalog metric view created with CREATE VIEW ... WITH METRICS LANGUAGE YAML. */
export interface MetricViewDefinition {
  identifier: string;
  source: string;
  filter?: string;
  comment?: string;
  joins?: { name: string; source: string; on: string }[];
  dimensions: MetricViewField[];
  measures: MetricViewField[];
}

export interface CatalogSnapshot {
  tables: CatalogTable[];
  metricViews: MetricViewDefinition[];
}

/** One column of a statement result, in Databricks terms. */
export interface EngineColumn {
  name: string;
  /** BIGINT, INT, STRING, DATE, TIMESTAMP, DOUBLE, DECIMAL, BOOLEAN, ... */
  typeName: string;
  /** e.g. DECIMAL(38,2) */
  typeText: string;
  precision?: number;
  scale?: number;
}

export interface EngineResult {
  columns: EngineColumn[];
  /** JS values: string | number | bigint | boolean | Date | null (DECIMAL as string) */
  rows: unknown[][];
}

/** Named parameters of a statement (`:name` in the SQL), typed as the driver sent them. */
export type SqlParams = Record<string, string | number | bigint | boolean | null>;

/** The SQL engine behind the simulated warehouse: Databricks SQL in, DuckDB underneath. */
export interface SqlEngine {
  /** Runs one Databricks SQL statement; throws SimSqlError with a Databricks-style message. */
  execute(sql: string, options?: { signal?: AbortSignal; params?: SqlParams }): Promise<EngineResult>;
  catalog(): Promise<CatalogSnapshot>;
  close(): Promise<void>;
}

/** A Databricks-style SQL error: `[ERROR_CLASS] message SQLSTATE: xxxxx`. */
export class SimSqlError extends Error {
  constructor(readonly errorClass: string, detail: string, readonly sqlState: string) {
    super(`[${errorClass}] ${detail} SQLSTATE: ${sqlState}`);
    this.name = 'SimSqlError';
  }
}
