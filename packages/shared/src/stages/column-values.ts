import pLimit from 'p-limit';
import type { Fix, RejectedFix } from '../schemas/index.ts';
import { rejectWhere } from './fix-filters.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import type { TableSchema } from './planner-prompt.ts';
import type { SqlWarehouse } from './ports.ts';

/** Every distinct value a low-cardinality text column holds, read from the warehouse. */
export interface ColumnValues {
  table: string;
  column: string;
  type: string;
  values: string[];
}

/** At most this many columns, each with at most this many values, go into the planner prompt. */
export const GROUNDING_LIMITS = { columns: 12, values: 12, probes: 48 } as const;

const TEXT = /^(STRING|VARCHAR|CHAR)/i;
const quoteIdent = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/**
 * Reads, for the space's tables, the distinct values of text columns that have few of them: one read-only query per
 * column (at most 48, four at a time) with a row limit one above the cap, so a column with more values is
 * recognised and left out; the first 12 such columns are kept. A column that cannot be read is skipped (the planner
 * sees less, the run goes on).
 */
export async function sampleColumnValues(warehouse: SqlWarehouse, schemas: readonly TableSchema[], logger: Logger = silentLogger): Promise<ColumnValues[]> {
  const candidates = schemas
    .flatMap((schema) => schema.columns.filter((c) => TEXT.test(c.type)).map((column) => ({ table: schema.identifier, column })))
    .slice(0, GROUNDING_LIMITS.probes);
  const limit = pLimit(4);
  const probed = await Promise.all(candidates.map(({ table, column }) => limit(async (): Promise<ColumnValues | undefined> => {
    const col = quoteIdent(column.name);
    const sql = `SELECT DISTINCT ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL ORDER BY v LIMIT ${GROUNDING_LIMITS.values + 1}`;
    try {
      const result = await warehouse.query(sql);
      if (result.rows.length === 0 || result.rows.length > GROUNDING_LIMITS.values) return undefined;
      return { table, column: column.name, type: column.type, values: result.rows.map((r) => String(r[0])) };
    } catch (error) {
      logger.warn({ err: error, table, column: column.name }, 'distinct values not read; the planner sees none for this column');
      return undefined;
    }
  })));
  return probed.filter((p): p is ColumnValues => p !== undefined).slice(0, GROUNDING_LIMITS.columns);
}

/** A string comparison in a fix's SQL or rule: `[qualifier.]column = 'v'`, `<>`, `!=`, `IN ('a', 'b')`. */
interface ValueComparison { qualifier?: string; column: string; values: string[] }

const LITERAL = /'((?:[^']|'')*)'/g;
const unquote = (s: string) => s.replace(/''/g, "'");

function comparisons(text: string): ValueComparison[] {
  const out: ValueComparison[] = [];
  const ref = String.raw`(?:\`?(\w+)\`?\.)*\`?(\w+)\`?`;
  for (const m of text.matchAll(new RegExp(String.raw`${ref}\s*(?:=|<>|!=)\s*'((?:[^']|'')*)'`, 'g'))) {
    out.push({ qualifier: m[1], column: m[2], values: [unquote(m[3])] });
  }
  for (const m of text.matchAll(new RegExp(String.raw`${ref}\s+(?:not\s+)?in\s*\(([^)]*)\)`, 'gi'))) {
    const values = [...m[3].matchAll(LITERAL)].map((v) => unquote(v[1]));
    if (values.length > 0) out.push({ qualifier: m[1], column: m[2], values });
  }
  return out;
}

/** The texts of a fix that filter rows. */
function filteringTexts(fix: Fix): string[] {
  switch (fix.kind) {
    case 'text_instruction':
      return [fix.content];
    case 'example_sql':
      return [fix.sql];
    case 'sql_snippet':
      return [fix.sql];
    case 'metric_view':
      return [fix.filter ?? '', ...fix.measures.map((m) => m.expr), ...fix.dimensions.map((d) => d.expr)];
    case 'sql_function':
      return [fix.body];
    case 'metadata':
    case 'join_spec':
      return [];
  }
}

const shortName = (identifier: string) => identifier.split('.').pop()!.toLowerCase();

/** Why the fix filters on a value the data does not hold, or undefined when every known column's value occurs. */
export function ungroundedValue(fix: Fix, known: readonly ColumnValues[]): string | undefined {
  for (const text of filteringTexts(fix)) {
    for (const c of comparisons(text)) {
      const columns = known.filter((k) => k.column.toLowerCase() === c.column.toLowerCase()
        && (c.qualifier === undefined || shortName(k.table) === c.qualifier.toLowerCase() || !known.some((x) => shortName(x.table) === c.qualifier!.toLowerCase())));
      if (columns.length === 0) continue;
      for (const value of c.values) {
        if (columns.some((k) => k.values.includes(value))) continue;
        const k = columns[0];
        return `grounding: filters ${k.table}.${k.column} on '${value}', a value that does not occur in the data (it holds ${k.values.map((v) => `'${v}'`).join(', ')})`;
      }
    }
  }
  return undefined;
}

/** Rejects fixes that filter on values absent from the data, each with the reason. */
export function guardGrounding(fixes: readonly Fix[], known: readonly ColumnValues[]): { kept: Fix[]; rejected: RejectedFix[] } {
  return rejectWhere(fixes, (fix) => ungroundedValue(fix, known));
}
