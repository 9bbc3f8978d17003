import { parse } from 'yaml';
import type { MetricViewDefinition } from '../catalog.types.ts';
import { SimSqlError } from '../catalog.types.ts';

const CREATE = /^\s*create\s+(?:or\s+replace\s+)?view\s+([\w.`]+)\s+with\s+metrics\s+language\s+yaml\s+as\s+\$\$([\s\S]*)\$\$\s*;?\s*$/i;

/** Parses `CREATE [OR REPLACE] VIEW x WITH METRICS LANGUAGE YAML AS $$...$$`, or returns undefined for other SQL. */
export function parseMetricViewDdl(sql: string): MetricViewDefinition | undefined {
  const m = CREATE.exec(sql);
  if (!m) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parse(m[2]) as Record<string, unknown>;
  } catch (error) {
    throw new SimSqlError('METRIC_VIEW_INVALID_VIEW_DEFINITION', `Invalid YAML: ${(error as Error).message}`, '42K0L');
  }
  const fields = (key: string) => ((doc[key] as { name: string; expr: string; comment?: string; synonyms?: string[] }[] | undefined) ?? []).map((f) => ({ ...f, expr: String(f.expr) }));
  if (typeof doc.source !== 'string' || fields('measures').length === 0) {
    throw new SimSqlError('METRIC_VIEW_INVALID_VIEW_DEFINITION', 'A metric view needs a source and at least one measure.', '42K0L');
  }
  return {
    identifier: m[1].replace(/`/g, '').toLowerCase(),
    source: doc.source.toLowerCase(),
    filter: typeof doc.filter === 'string' ? doc.filter : undefined,
    comment: typeof doc.comment === 'string' ? doc.comment : undefined,
    dimensions: fields('dimensions'),
    measures: fields('measures'),
  };
}

/** Rewrites a query over metric views into plain SQL: the view becomes a subquery, MEASURE(m) its expression. */
export function expandMetricViews(sql: string, views: MetricViewDefinition[], columnsOf: (table: string) => string[]): string {
  let out = sql;
  for (const view of views) {
    const name = new RegExp(`\\b${view.identifier.replace(/\./g, '\\.')}\\b`, 'gi');
    if (!name.test(out)) continue;
    if (/select\s+\*/i.test(out)) throw new SimSqlError('UNSUPPORTED_FEATURE.METRIC_VIEW_SELECT_STAR', `SELECT * is not supported on metric view ${view.identifier}.`, '0A000');
    const dims = view.dimensions.map((d) => `${d.expr} AS ${d.name}`);
    const sourceColumns = new Set(columnsOf(view.source).map((c) => c.toLowerCase()));
    const clash = view.dimensions.map((d) => d.name).filter((n) => sourceColumns.has(n.toLowerCase()));
    const star = clash.length ? `* EXCLUDE (${clash.join(', ')})` : '*';
    const body = `(SELECT ${[star, ...dims].join(', ')} FROM ${view.source}${view.filter ? ` WHERE ${view.filter}` : ''})`;
    out = out.replace(name, `${body} AS __mv`);
    for (const measure of view.measures) out = out.replace(new RegExp(`\\bMEASURE\\s*\\(\\s*${measure.name}\\s*\\)`, 'gi'), `(${measure.expr})`);
  }
  const unknown = /\bMEASURE\s*\(\s*(\w+)\s*\)/i.exec(out);
  if (unknown) throw new SimSqlError('METRIC_VIEW_MEASURE_NOT_FOUND', `Measure ${unknown[1]} is not defined.`, '42703');
  return out;
}
