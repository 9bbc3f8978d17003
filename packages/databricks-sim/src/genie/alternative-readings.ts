/**
 * Plausible wrong readings of a question, derived from the SQL Genie would have written: a dropped filter, a
 * different count, the top-N ignored or reversed, another column of the same kind. Each is runnable SQL.
 */
import type { CatalogSnapshot, CatalogTable } from '../catalog.types.ts';
import { scanTopLevel } from '../sql/top-level-scan.ts';

export type ReadingKind = 'drop_condition' | 'count_variant' | 'limit' | 'other_column';
export interface AlternativeReadings { kind: ReadingKind; sqls: string[] }

const CLAUSES = ['select', 'from', 'where', 'group by', 'having', 'order by', 'limit'] as const;
type ClauseName = (typeof CLAUSES)[number];
interface Clause { name: ClauseName; start: number; bodyStart: number; end: number }

const NON_MEASURE = /(^id$|_id$|_key$|_ref$|_no$|_nbr$|_num$|_code$)/i;
const family = (type: string) =>
  /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL|NUMERIC)/i.test(type) ? 'number' : /^(DATE|TIMESTAMP)/i.test(type) ? 'time' : /^(STRING|VARCHAR|CHAR)/i.test(type) ? 'string' : 'other';

function clausesOf(sql: string): Clause[] | undefined {
  const found: Clause[] = [];
  let compound = false;
  scanTopLevel(sql, (i) => {
    if (i > 0 && !/\s/.test(sql[i - 1])) return;
    if (/^(union|intersect|except)\b/i.test(sql.slice(i))) compound = true;
    for (const name of CLAUSES) {
      const m = new RegExp(`^${name.replace(' ', '\\s+')}\\b`, 'i').exec(sql.slice(i));
      if (m) {
        found.push({ name, start: i, bodyStart: i + m[0].length, end: sql.length });
        return i + m[0].length - 1;
      }
    }
  });
  found.forEach((c, i) => (c.end = found[i + 1]?.start ?? sql.length));
  const names = found.map((c) => c.name);
  return compound || names[0] !== 'select' || new Set(names).size !== names.length ? undefined : found;
}

const tidy = (sql: string) => sql.replace(/[ \t]+\n/g, '\n').replace(/\n{2,}/g, '\n').trim();
const cut = (sql: string, from: number, to: number, insert = '') => tidy(sql.slice(0, from) + insert + sql.slice(to));
const body = (sql: string, c: Clause) => sql.slice(c.bodyStart, c.end).trim();

function dropCondition(sql: string, where: Clause): string[] {
  const text = body(sql, where);
  const splits: number[] = [];
  let unsafe = false;
  scanTopLevel(text, (i) => {
    if (i > 0 && !/\s/.test(text[i - 1])) return;
    if (/^(or|between)\b/i.test(text.slice(i))) unsafe = true;
    else if (/^and\b/i.test(text.slice(i))) splits.push(i);
  });
  if (unsafe) return [];
  const bounds = [0, ...splits, text.length];
  const conditions = bounds.slice(0, -1).map((b, i) => text.slice(b, bounds[i + 1]).replace(/^and\s+/i, '').trim());
  if (conditions.length === 1) return [cut(sql, where.start, where.end, '\n')];
  return conditions.map((_, drop) => cut(sql, where.bodyStart, where.end, ` ${conditions.filter((__, i) => i !== drop).join(' AND ')}\n`));
}

function limitReadings(sql: string, clauses: Clause[]): string[] {
  const limit = clauses.find((c) => c.name === 'limit');
  if (!limit) return [];
  const out = [cut(sql, limit.start, limit.end, '\n')];
  const order = clauses.find((c) => c.name === 'order by');
  const flipped = order && body(sql, order).replace(/\b(ASC|DESC)\b/gi, (d) => (d.toUpperCase() === 'DESC' ? 'ASC' : 'DESC'));
  if (order && flipped !== body(sql, order)) out.push(cut(sql, order.bodyStart, order.end, ` ${flipped}\n`));
  return out;
}

interface TableRef { alias?: string; table: CatalogTable }

function tablesOf(sql: string, from: Clause, catalog: CatalogSnapshot): TableRef[] {
  const refs: TableRef[] = [];
  for (const m of body(sql, from).matchAll(/(?:^|\bjoin\s+)([\w.`]+)(?:\s+(?:as\s+)?(?!on\b|join\b|left\b|right\b|inner\b|full\b)(\w+))?/gi)) {
    const table = catalog.tables.find((t) => t.identifier === m[1].replace(/`/g, '').toLowerCase());
    if (table) refs.push({ alias: m[2], table });
  }
  return refs;
}

function countVariants(sql: string, select: Clause, tables: TableRef[]): string[] {
  const text = body(sql, select);
  const out = new Set<string>();
  for (const m of text.matchAll(/\bCOUNT\s*\(\s*(DISTINCT\s+)?([^()]*?)\s*\)/gi)) {
    let replacement: string | undefined;
    if (m[1]) replacement = `COUNT(${m[2]})`;
    else if (m[2] !== '*') replacement = `COUNT(DISTINCT ${m[2]})`;
    else {
      const base = tables[0];
      const key = base?.table.columns.find((c) => /(^id$|_id$)/i.test(c.name));
      if (key) replacement = `COUNT(DISTINCT ${tables.length > 1 && base.alias ? `${base.alias}.` : ''}${key.name})`;
    }
    if (replacement) out.add(cut(sql, select.bodyStart, select.end, ` ${text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length)}\n`));
  }
  return [...out];
}

const unquoted = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");

/** Replaces every reference to one column (qualified `a.col` or bare `col`) outside quotes. */
function replaceColumn(sql: string, ref: RegExp, to: string): string {
  return sql.replace(/'(?:[^']|'')*'|[^']+/g, (part) => (part.startsWith("'") ? part : part.replace(ref, to)));
}

function otherColumns(sql: string, clauses: Clause[], tables: TableRef[]): string[] {
  const group = clauses.find((c) => c.name === 'group by');
  const grouped = group ? body(sql, group) : '';
  const out: string[] = [];
  for (const { alias, table } of tables) {
    for (const column of table.columns) {
      const kind = family(column.type);
      const qualified = alias && tables.length > 1;
      const ref = new RegExp(qualified ? `\\b${alias}\\.${column.name}\\b` : `(?<![.\\w])${column.name}\\b(?!\\.)`, 'gi');
      if (kind === 'other' || (kind === 'number' && NON_MEASURE.test(column.name))) continue;
      if (!new RegExp(ref.source, 'i').test(unquoted(sql))) continue;
      if (kind === 'string' && !new RegExp(ref.source, 'i').test(unquoted(grouped))) continue;
      for (const other of table.columns) {
        if (other === column || family(other.type) !== kind || (kind === 'number' && NON_MEASURE.test(other.name))) continue;
        out.push(replaceColumn(sql, ref, qualified ? `${alias}.${other.name}` : other.name));
      }
    }
  }
  return out;
}

/** Every wrong-but-plausible reading of `sql`, grouped by kind; empty when the SQL has a shape this does not read. */
export function alternativeReadings(sql: string, catalog: CatalogSnapshot): AlternativeReadings[] {
  const clauses = clausesOf(sql);
  if (!clauses) return [];
  const get = (name: ClauseName) => clauses.find((c) => c.name === name);
  const from = get('from');
  const tables = from ? tablesOf(sql, from, catalog) : [];
  const where = get('where');
  const groups: AlternativeReadings[] = [
    { kind: 'drop_condition', sqls: where ? dropCondition(sql, where) : [] },
    { kind: 'count_variant', sqls: countVariants(sql, get('select')!, tables) },
    { kind: 'limit', sqls: limitReadings(sql, clauses) },
    { kind: 'other_column', sqls: otherColumns(sql, clauses, tables) },
  ];
  return groups
    .map((g) => ({ ...g, sqls: [...new Set(g.sqls)].filter((s) => s !== tidy(sql)) }))
    .filter((g) => g.sqls.length > 0);
}
