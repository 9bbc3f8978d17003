import type { SerializedSpace } from '../schemas/index.ts';

/** Limits the Genie service enforces on a space. */
export const SPACE_LIMITS = { dataSources: 30, instructions: 100, snippets: 200 } as const;

/** SQL as serialized_space stores it: one item per line, each but the last ending in `\n`. */
export function sqlLines(sql: string): string[] {
  const lines = sql.trim().split(/\r?\n/);
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

/** Prose as serialized_space stores it: one item per line, every line ending in `\n` like the service's own. */
export function textLines(text: string): string[] {
  return text.trim().split(/\r?\n/).map((line) => `${line}\n`);
}

/** Tables plus metric views: at most 30 per space. */
export function countDataSources(space: SerializedSpace): number {
  return (space.data_sources?.tables?.length ?? 0) + (space.data_sources?.metric_views?.length ?? 0);
}

/** Instructions as the service counts them: each example SQL and SQL function one, the text block one in all. */
export function countInstructions(space: SerializedSpace): number {
  const i = space.instructions ?? {};
  return (i.example_question_sqls?.length ?? 0) + (i.sql_functions?.length ?? 0) + ((i.text_instructions?.length ?? 0) > 0 ? 1 : 0);
}

/**
 * Knowledge snippets as the service counts them (uncertain in detail; conservative): table descriptions, column
 * configs with a description or synonyms, join specs and SQL snippets (measures, filters, expressions).
 */
export function countSnippets(space: SerializedSpace): number {
  const tables = space.data_sources?.tables ?? [];
  const described = tables.filter((t) => (t.description ?? []).join('').trim() !== '').length;
  const columns = tables.flatMap((t) => t.column_configs ?? []).filter((c) => (c.description ?? []).join('').trim() !== '' || (c.synonyms?.length ?? 0) > 0).length;
  const i = space.instructions ?? {};
  const s = i.sql_snippets ?? {};
  return described + columns + (i.join_specs?.length ?? 0) + (s.measures?.length ?? 0) + (s.filters?.length ?? 0) + (s.expressions?.length ?? 0);
}

/** Each limit the space exceeds, as a sentence; empty when the service would accept it. */
export function limitViolations(space: SerializedSpace): string[] {
  const out: string[] = [];
  const check = (count: number, limit: number, what: string) => { if (count > limit) out.push(`${count} ${what} (limit ${limit})`); };
  check(countDataSources(space), SPACE_LIMITS.dataSources, 'tables and metric views');
  check(countInstructions(space), SPACE_LIMITS.instructions, 'instructions');
  check(countSnippets(space), SPACE_LIMITS.snippets, 'knowledge snippets');
  return out;
}

/** Every item id in the space, to keep new ids unique. */
export function spaceItemIds(space: SerializedSpace): Set<string> {
  const i = space.instructions ?? {};
  const s = i.sql_snippets ?? {};
  const withIds: { id: string }[][] = [
    space.config?.sample_questions ?? [], i.text_instructions ?? [], i.example_question_sqls ?? [], i.sql_functions ?? [],
    i.join_specs ?? [], s.measures ?? [], s.filters ?? [], s.expressions ?? [], space.benchmarks?.questions ?? [],
  ];
  return new Set(withIds.flat().map((item) => item.id));
}

const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const byId = byKey<{ id: string }>((x) => x.id);
const byIdentifier = byKey<{ identifier: string }>((x) => x.identifier);
const byColumn = byKey<{ column_name: string }>((x) => x.column_name);

/** Sorts every array the service requires sorted (in place): sources by identifier, columns by name, items by id. */
export function sortSpace(space: SerializedSpace): SerializedSpace {
  space.config?.sample_questions?.sort(byId);
  const tables = space.data_sources?.tables;
  tables?.sort(byIdentifier);
  tables?.forEach((t) => t.column_configs?.sort(byColumn));
  space.data_sources?.metric_views?.sort(byIdentifier);
  const i = space.instructions;
  for (const list of [i?.text_instructions, i?.example_question_sqls, i?.sql_functions, i?.join_specs]) list?.sort(byId);
  for (const list of [i?.sql_snippets?.measures, i?.sql_snippets?.filters, i?.sql_snippets?.expressions]) list?.sort(byId);
  space.benchmarks?.questions?.sort(byId);
  return space;
}
