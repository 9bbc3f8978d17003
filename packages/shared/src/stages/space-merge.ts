import type { Fix, RejectedFix, SerializedSpace } from '../schemas/index.ts';
import { contentId } from '../util/ids.ts';
import { countDataSources, countInstructions, countSnippets, SPACE_LIMITS, spaceItemIds, sortSpace, sqlLines, textLines } from './space-layout.ts';
import { joinConditions, joinMeaning } from './join-conditions.ts';

type MetadataFix = Extract<Fix, { kind: 'metadata' }>;
type TableSource = NonNullable<NonNullable<SerializedSpace['data_sources']>['tables']>[number];

export interface MergeResult {
  space: SerializedSpace;
  applied: Fix[];
  skipped: RejectedFix[];
}

const lower = (a: string) => a.trim().toLowerCase();
const same = (a: string, b: string) => lower(a) === lower(b);

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
export interface MergeOptions {
  /** the join spec field for the relationship type (its spelling is uncertain); null leaves it out */
  joinRelationshipField?: string | null;
}

export function mergeFixes(original: SerializedSpace, fixes: readonly Fix[], options: MergeOptions = { joinRelationshipField: 'relationship_type' }): MergeResult {
  const space = structuredClone(original);
  const applied: Fix[] = [];
  const skipped: RejectedFix[] = [];
  const ids = spaceItemIds(space);
  const tables = () => space.data_sources?.tables ?? [];
  const findTable = (name: string) => tables().find((t) => same(t.identifier, name));

  // metric views and functions first, so an example SQL may use a view or function proposed in the same plan
  const first = (f: Fix) => f.kind === 'metric_view' || f.kind === 'sql_function';
  const ordered = [...fixes.filter(first), ...fixes.filter((f) => !first(f))];
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
      case 'join_spec': {
        const left = findTable(fix.left.table);
        const right = findTable(fix.right.table);
        const reason = !left ? `table ${fix.left.table} is not in the space`
          : !right ? `table ${fix.right.table} is not in the space`
          : same(fix.left.alias, fix.right.alias) ? 'the two sides need different aliases'
          : joinConditions(fix.sql, fix.left.alias, fix.right.alias) === undefined ? `join SQL must be equalities between ${fix.left.alias}.<column> and ${fix.right.alias}.<column>, joined by AND`
          : undefined;
        if (reason) {
          skipped.push({ fix, reason });
          continue;
        }
        const list = ((space.instructions ??= {}).join_specs ??= []);
        const spec = {
          left: { identifier: left!.identifier, alias: fix.left.alias },
          right: { identifier: right!.identifier, alias: fix.right.alias },
          sql: sqlLines(fix.sql),
          ...(fix.relationship_type && options.joinRelationshipField ? { [options.joinRelationshipField]: fix.relationship_type } : {}),
        };
        // one join spec per pair of tables: a different one for the same pair replaces it (its id kept)
        const existing = list.find((j) => [j.left.identifier, j.right.identifier].sort().join('|').toLowerCase() === [left!.identifier, right!.identifier].sort().join('|').toLowerCase());
        if (existing && joinMeaning(existing.left, existing.right, existing.sql.join('')) === joinMeaning(spec.left, spec.right, fix.sql)) {
          skipped.push({ fix, reason: `the space already has this join spec between ${fix.left.table} and ${fix.right.table}` });
          continue;
        }
        if (existing) {
          list.splice(list.indexOf(existing), 1, { id: existing.id, ...spec });
          break;
        }
        if (countSnippets(space) >= SPACE_LIMITS.snippets) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.snippets} knowledge snippets` });
          continue;
        }
        list.push({ id: uniqueId(ids, 'join_spec', fix.left.table, fix.right.table, fix.sql), ...spec });
        break;
      }
      case 'sql_snippet': {
        const snippets = ((space.instructions ??= {}).sql_snippets ??= {});
        const list = (snippets[`${fix.snippet_type}s`] ??= []);
        if (list.some((x) => same(x.alias ?? '', fix.alias))) {
          skipped.push({ fix, reason: `the space already has a ${fix.snippet_type} named ${fix.alias}` });
          continue;
        }
        const unknown = referencedTables(fix.sql).find((t) => !findTable(t));
        if (unknown) {
          skipped.push({ fix, reason: `snippet SQL reads ${unknown}, which is not in the space` });
          continue;
        }
        if (countSnippets(space) >= SPACE_LIMITS.snippets) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.snippets} knowledge snippets` });
          continue;
        }
        list.push({
          id: uniqueId(ids, 'sql_snippet', fix.snippet_type, fix.alias),
          alias: fix.alias,
          display_name: fix.display_name,
          sql: sqlLines(fix.sql),
          ...(fix.synonyms?.length ? { synonyms: mergeSynonyms([], fix.synonyms) } : {}),
          ...(fix.instruction ? { instruction: textLines(fix.instruction) } : {}),
        });
        break;
      }
      case 'sql_function': {
        const list = ((space.instructions ??= {}).sql_functions ??= []);
        if (list.some((f) => same(f.identifier, fix.identifier))) {
          skipped.push({ fix, reason: `${fix.identifier} is already a SQL function of the space` });
          continue;
        }
        if (countInstructions(space) >= SPACE_LIMITS.instructions) {
          skipped.push({ fix, reason: `the space already has ${SPACE_LIMITS.instructions} instructions` });
          continue;
        }
        list.push({ id: uniqueId(ids, 'sql_function', fix.identifier), identifier: fix.identifier });
        break;
      }
    }
    applied.push(fix);
  }
  return { space: sortSpace(space), applied, skipped };
}

/** A copy of the space without the given metric views and SQL functions (used when their DDL failed). */
export function withoutMetricViews(space: SerializedSpace, identifiers: readonly string[]): SerializedSpace {
  const copy = structuredClone(space);
  const keep = (v: { identifier: string }) => !identifiers.some((id) => same(id, v.identifier));
  if (copy.data_sources?.metric_views) copy.data_sources.metric_views = copy.data_sources.metric_views.filter(keep);
  if (copy.instructions?.sql_functions) copy.instructions.sql_functions = copy.instructions.sql_functions.filter(keep);
  return copy;
}
