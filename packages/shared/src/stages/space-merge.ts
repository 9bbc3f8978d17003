import type { Fix, RejectedFix, SerializedSpace } from '../schemas/index.ts';
import { contentId } from '../util/ids.ts';
import { countDataSources, countInstructions, SPACE_LIMITS, spaceItemIds, sortSpace, sqlLines, textLines } from './space-layout.ts';

type MetadataFix = Extract<Fix, { kind: 'metadata' }>;
type TableSource = NonNullable<NonNullable<SerializedSpace['data_sources']>['tables']>[number];

export interface MergeResult {
  space: SerializedSpace;
  applied: Fix[];
  skipped: RejectedFix[];
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Existing synonyms first, then new ones not already there (case-insensitive). */
export function mergeSynonyms(existing: readonly string[], added: readonly string[]): string[] {
  const out = [...existing];
  for (const synonym of added.map((s) => s.trim()).filter(Boolean)) {
    if (!out.some((s) => same(s, synonym))) out.push(synonym);
  }
  return out;
}

/** Three-part table names an SQL reads in FROM / JOIN (CTE and subquery names have no dots, so they are left out). */
export function referencedTables(sql: string): string[] {
  return [...sql.matchAll(/\b(?:from|join)\s+([`\w]+\.[`\w]+\.[`\w]+)/gi)].map((m) => m[1].replace(/`/g, ''));
}

function uniqueId(ids: Set<string>, ...parts: string[]): string {
  let id = contentId(...parts);
  for (let salt = 1; ids.has(id); salt++) id = contentId(...parts, String(salt));
  ids.add(id);
  return id;
}

function applyMetadata(table: TableSource, fix: MetadataFix): void {
  if (fix.column === undefined) {
    const description = fix.description ?? (table.description ?? []).join('').trim();
    const known = description.toLowerCase();
    const newSynonyms = (fix.synonyms ?? []).filter((s) => !known.includes(s.trim().toLowerCase()));
    // serialized_space has no table-level synonyms field: the description carries them
    const text = newSynonyms.length > 0 ? `${description}\nAlso called: ${newSynonyms.join(', ')}.`.trim() : description;
    table.description = textLines(text);
    return;
  }
  table.column_configs ??= [];
  let column = table.column_configs.find((c) => same(c.column_name, fix.column!));
  if (!column) {
    column = { column_name: fix.column };
    table.column_configs.push(column);
  }
  if (fix.description !== undefined) column.description = textLines(fix.description);
  if (fix.synonyms?.length) column.synonyms = mergeSynonyms(column.synonyms ?? [], fix.synonyms);
}

/**
 * Merges fixes into a copy of the space, keeping it valid for the Genie API: sorted arrays, unique 32-hex ids and
 * the service's limits. Fixes naming a table the space lacks, or over a limit, are skipped with the reason.
 * Metric views are only listed here; creating them on the warehouse is the caller's job.
 */
export function mergeFixes(original: SerializedSpace, fixes: readonly Fix[]): MergeResult {
  const space = structuredClone(original);
  const applied: Fix[] = [];
  const skipped: RejectedFix[] = [];
  const ids = spaceItemIds(space);
  const tables = () => space.data_sources?.tables ?? [];
  const findTable = (name: string) => tables().find((t) => same(t.identifier, name));

  // metric views first, so an example SQL may query a view proposed in the same plan
  const ordered = [...fixes.filter((f) => f.kind === 'metric_view'), ...fixes.filter((f) => f.kind !== 'metric_view')];
  for (const fix of ordered) {
    switch (fix.kind) {
      case 'metadata': {
        const table = findTable(fix.table);
        if (!table) {
          skipped.push({ fix, reason: `table ${fix.table} is not in the space` });
          continue;
        }
        applyMetadata(table, fix);
        break;
      }
      case 'text_instruction': {
        const list = ((space.instructions ??= {}).text_instructions ??= []);
        if (list.length === 0 && countInstructions(space) >= SPACE_LIMITS.instructions) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.instructions} instructions` });
          continue;
        }
        list.push({ id: uniqueId(ids, 'text_instruction', fix.content), content: textLines(fix.content) });
        break;
      }
      case 'example_sql': {
        const views = space.data_sources?.metric_views ?? [];
        const unknown = referencedTables(fix.sql).find((t) => !findTable(t) && !views.some((v) => same(v.identifier, t)));
        if (unknown) {
          skipped.push({ fix, reason: `example SQL reads ${unknown}, which is not in the space` });
          continue;
        }
        if (countInstructions(space) >= SPACE_LIMITS.instructions) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.instructions} instructions` });
          continue;
        }
        const list = ((space.instructions ??= {}).example_question_sqls ??= []);
        list.push({
          id: uniqueId(ids, 'example_sql', fix.question, fix.sql),
          question: [fix.question.trim()],
          sql: sqlLines(fix.sql),
          ...(fix.usage_guidance ? { usage_guidance: textLines(fix.usage_guidance) } : {}),
        });
        break;
      }
      case 'metric_view': {
        if (!findTable(fix.source)) {
          skipped.push({ fix, reason: `source table ${fix.source} is not in the space` });
          continue;
        }
        const views = ((space.data_sources ??= {}).metric_views ??= []);
        if (findTable(fix.identifier) || views.some((v) => same(v.identifier, fix.identifier))) {
          skipped.push({ fix, reason: `${fix.identifier} is already a data source of the space` });
          continue;
        }
        if (countDataSources(space) >= SPACE_LIMITS.dataSources) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.dataSources} tables and metric views` });
          continue;
        }
        views.push({ identifier: fix.identifier });
        break;
      }
    }
    applied.push(fix);
  }
  return { space: sortSpace(space), applied, skipped };
}

/** A copy of the space without the given metric views (used when their DDL failed). */
export function withoutMetricViews(space: SerializedSpace, identifiers: readonly string[]): SerializedSpace {
  const copy = structuredClone(space);
  if (copy.data_sources?.metric_views) {
    copy.data_sources.metric_views = copy.data_sources.metric_views.filter((v) => !identifiers.some((id) => same(id, v.identifier)));
  }
  return copy;
}
