import { stringify } from 'yaml';
import type { Fix } from '../schemas/index.ts';

type MetricViewFix = Extract<Fix, { kind: 'metric_view' }>;

const field = (f: MetricViewFix['measures'][number]) => ({
  name: f.name,
  expr: f.expr,
  ...(f.comment ? { comment: f.comment } : {}),
  ...(f.synonyms?.length ? { synonyms: f.synonyms } : {}),
});

/** The metric view's YAML body (version 1.1). */
export function metricViewYaml(fix: MetricViewFix): string {
  return stringify({
    version: 1.1,
    source: fix.source,
    ...(fix.filter ? { filter: fix.filter } : {}),
    dimensions: fix.dimensions.map(field),
    measures: fix.measures.map(field),
  }, { lineWidth: 0 });
}

/** `CREATE OR REPLACE VIEW ... WITH METRICS` for a metric-view fix; throws when the YAML would break the `$$` quoting. */
export function metricViewDdl(fix: MetricViewFix): string {
  const yaml = metricViewYaml(fix);
  if (yaml.includes('$$')) throw new Error(`metric view ${fix.identifier}: the definition must not contain "$$"`);
  return `CREATE OR REPLACE VIEW ${fix.identifier} WITH METRICS LANGUAGE YAML AS $$\n${yaml}$$`;
}
