/**
 * Databricks SQL → DuckDB, for the common subset: three-part names (catalog `main` included), backticks,
 * STRING, `<=>`, current_date()/current_timestamp(); functions DuckDB lacks are macros (see sql-engine.ts).
 */

/** DuckDB schema that holds a Databricks catalog.schema (DuckDB reserves the catalog name `main`). */
export function duckSchema(catalog: string, schema: string): string {
  return `${catalog.toLowerCase()}__${schema.toLowerCase()}`;
}

/** Applies `rewrite` to the SQL text outside string literals and comments. */
function outsideStrings(sql: string, rewrite: (code: string) => string): string {
  return sql.replace(/('(?:[^'\\]|\\.|'')*')|(--[^\n]*)|([^'-]+|-)/g, (all, str, comment, code) => (code !== undefined ? rewrite(code) : all));
}

const STRING = `'(?:[^'\\\\]|\\\\.|'')*'`;
// Delta DDL clauses DuckDB has no use for; string literals are matched first so a clause inside one is left alone
const DELTA_CLAUSES = new RegExp(`(${STRING})|\\bUSING\\s+DELTA\\b|\\bCOMMENT\\s+${STRING}|\\bTBLPROPERTIES\\s*\\((?:${STRING}|[^)'])*\\)`, 'gi');

/** Drops `USING DELTA`, `COMMENT '...'` (table and column) and `TBLPROPERTIES (...)` from Databricks DDL. */
export function stripDeltaClauses(sql: string): string {
  return sql.replace(DELTA_CLAUSES, (_all, str: string | undefined) => str ?? '');
}

/** Databricks `:name` parameter markers → DuckDB `$name` (not `::` casts, not inside strings). */
export function translateParamMarkers(sql: string): string {
  return outsideStrings(sql, (code) => code.replace(/(^|[^:\w]):([A-Za-z_]\w*)/g, '$1$$$2'));
}

export function translateSql(sql: string): string {
  return outsideStrings(stripDeltaClauses(sql.trim().replace(/;\s*$/, '')), (code) =>
    code
      .replace(/`([^`]*)`/g, '"$1"')
      .replace(/\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b/g, (_, c, s, t) => `${duckSchema(c, s)}.${t}`)
      .replace(/\bSTRING\b/gi, 'VARCHAR')
      .replace(/<=>/g, ' IS NOT DISTINCT FROM ')
      .replace(/\bcurrent_date\s*\(\s*\)/gi, 'current_date')
      .replace(/\bcurrent_timestamp\s*\(\s*\)/gi, 'current_timestamp'),
  );
}

/** Maps DuckDB's error text back to Databricks names and classes. */
export function databricksError(message: string): { errorClass: string; sqlState: string; detail: string } {
  const detail = message.replace(/\b(\w+)__(\w+)\.(\w+)/g, '$1.$2.$3').replace(/^[\w ]+Error:\s*/, '').split('\n')[0];
  if (/Table with name|does not exist.*Table|Catalog Error: Table/i.test(message)) return { errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01', detail };
  if (/Referenced column|column .* not found|Binder Error: .*column/i.test(message)) return { errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION', sqlState: '42703', detail };
  if (/Function with name|Scalar Function|Table Function/i.test(message)) return { errorClass: 'UNRESOLVED_ROUTINE', sqlState: '42883', detail };
  if (/Parser Error|syntax error/i.test(message)) return { errorClass: 'PARSE_SYNTAX_ERROR', sqlState: '42601', detail };
  if (/Conversion Error|Could not convert/i.test(message)) return { errorClass: 'CAST_INVALID_INPUT', sqlState: '22018', detail };
  if (/Division by zero/i.test(message)) return { errorClass: 'DIVIDE_BY_ZERO', sqlState: '22012', detail };
  return { errorClass: 'INTERNAL_ERROR', sqlState: 'XX000', detail };
}
