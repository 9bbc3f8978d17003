/** A light structural reading of a SELECT statement: enough for the simulated planner to compare two SQLs. */
import { scanTopLevel } from '../sql/top-level-scan.ts';

export interface SqlShape {
  /** alias (or short name) → table identifier, lower case */
  tables: Map<string, string>;
  base?: string;
  /** each JOIN's equalities (several for a composite key), in order */
  joins: { left: ColumnRef; right: ColumnRef; more?: { left: ColumnRef; right: ColumnRef }[] }[];
  select: string[];
  where: string[];
  groupBy: string[];
}

export interface ColumnRef { table?: string; column: string }

const CLAUSES = ['select', 'from', 'where', 'group by', 'having', 'order by', 'limit'] as const;

/** Splits `text` at top level (outside parentheses and quotes) wherever `separator` matches. */
export function splitTopLevel(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(text, (i) => {
    const m = separator.exec(text.slice(i));
    if (!m || m.index !== 0 || !(i === 0 || /[\s,]/.test(text[i - 1]) || m[0].trim() === ',')) return;
    parts.push(text.slice(start, i));
    start = i + m[0].length;
    return start - 1;
  });
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

function clauses(sql: string): Map<string, string> {
  const found: { name: string; at: number; length: number }[] = [];
  scanTopLevel(sql, (i) => {
    if (i > 0 && !/\s/.test(sql[i - 1])) return;
    for (const name of CLAUSES) {
      const m = new RegExp(`^${name.replace(' ', '\\s+')}\\b`, 'i').exec(sql.slice(i));
      if (m) { found.push({ name, at: i, length: m[0].length }); break; }
    }
  });
  const out = new Map<string, string>();
  found.forEach((c, i) => out.set(c.name, sql.slice(c.at + c.length, found[i + 1]?.at ?? sql.length).trim()));
  return out;
}

export function parseSqlShape(sql: string): SqlShape {
  const parts = clauses(sql.replace(/;\s*$/, ''));
  const shape: SqlShape = { tables: new Map(), joins: [], select: [], where: [], groupBy: [] };
  shape.select = splitTopLevel(parts.get('select') ?? '', /,/).map((s) => s.replace(/\s+as\s+\w+\s*$/i, '').trim());
  shape.where = splitTopLevel(parts.get('where') ?? '', /and\b/i);
  shape.groupBy = splitTopLevel(parts.get('group by') ?? '', /,/);
  const from = parts.get('from') ?? '';
  const segments = from.split(/\b(?:(?:inner|left|right|full)\s+(?:outer\s+)?)?join\b/i);
  segments.forEach((segment, i) => {
    const [source, on] = segment.split(/\bon\b/i);
    const m = /^\s*([\w.`]+)(?:\s+(?:as\s+)?(\w+))?\s*$/i.exec(source ?? '');
    if (!m) return;
    const identifier = m[1].replace(/`/g, '').toLowerCase();
    const alias = (m[2] ?? identifier.split('.').pop()!).toLowerCase();
    shape.tables.set(alias, identifier);
    shape.tables.set(identifier, identifier);
    if (i === 0) shape.base = identifier;
    const pairs = (on ?? '').split(/\s+and\s+/i).map((c) => /^\s*\(?\s*(\w+)\.(\w+)\s*=\s*(\w+)\.(\w+)\s*\)?\s*$/.exec(c));
    if (!on || pairs.some((p) => !p)) return;
    const [first, ...more] = pairs.map((c) => ({ left: { table: c![1].toLowerCase(), column: c![2] }, right: { table: c![3].toLowerCase(), column: c![4] } }));
    shape.joins.push({ ...first, ...(more.length ? { more } : {}) });
  });
  for (const join of shape.joins) {
    for (const pair of [join, ...(join.more ?? [])]) {
      pair.left.table = shape.tables.get(pair.left.table!) ?? pair.left.table;
      pair.right.table = shape.tables.get(pair.right.table!) ?? pair.right.table;
    }
  }
  return shape;
}

/** Removes table-alias qualifiers (`t.foo_bar` → `foo_bar`) for the aliases of a shape. */
export function stripQualifiers(expr: string, shape: SqlShape): string {
  return expr.replace(/\b(\w+)\.(\w+)\b/g, (all, alias: string, column: string) => (shape.tables.has(alias.toLowerCase()) ? column : all));
}

/** Aggregate calls in an expression: SUM(x), COUNT(DISTINCT y), ... */
/** The conditions a select list counts or sums by ("AVG(CASE WHEN <condition> THEN 1 ...)"), in order. */
export function caseConditionsIn(shape: SqlShape): string[] {
  return shape.select.flatMap((item) => [...item.matchAll(/\bcase\s+when\s+(.+?)\s+then\b/gi)].map((m) => m[1]));
}

export function aggregatesIn(expr: string): { fn: string; arg: string }[] {
  return [...expr.matchAll(/\b(sum|avg|count|min|max)\s*\(\s*((?:distinct\s+)?[^()]*?)\s*\)/gi)].map((m) => ({ fn: m[1].toUpperCase(), arg: m[2] }));
}

/** A plain column reference, with its table resolved through the shape's aliases. */
export function columnRef(expr: string, shape: SqlShape): ColumnRef | undefined {
  const m = /^\s*(?:(\w+)\.)?(\w+)\s*$/.exec(expr);
  if (!m || /^\d/.test(m[2])) return undefined;
  return { table: m[1] ? shape.tables.get(m[1].toLowerCase()) : undefined, column: m[2] };
}
