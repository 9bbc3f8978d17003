import { limitViolations, parseSerializedSpace, type SerializedSpace } from '@genie-enhancer/shared';

const byKey = <T>(items: T[] | undefined, key: (t: T) => string) => (items ?? []).every((item, i, all) => i === 0 || key(all[i - 1]) <= key(item));

/** Checks a serialized_space as the real service does (version, ids, sort order); returns the error message or the space. */
export function validateSerializedSpace(text: string): { space: SerializedSpace } | { error: string } {
  let space: SerializedSpace;
  try {
    space = parseSerializedSpace(text);
  } catch (error) {
    return { error: `Invalid serialized_space: ${(error as Error).message.split('\n')[0]}` };
  }
  const withIds = [
    ...(space.instructions?.text_instructions ?? []),
    ...(space.instructions?.example_question_sqls ?? []),
    ...(space.instructions?.join_specs ?? []),
    ...(space.instructions?.sql_functions ?? []),
    ...(space.instructions?.sql_snippets?.measures ?? []),
    ...(space.instructions?.sql_snippets?.filters ?? []),
    ...(space.instructions?.sql_snippets?.expressions ?? []),
  ];
  if (new Set(withIds.map((i) => i.id)).size !== withIds.length) return { error: 'Invalid export proto: ids must be unique' };
  const checks: [boolean, string][] = [
    [byKey(space.data_sources?.tables, (t) => t.identifier), 'data_sources.tables must be sorted by identifier'],
    [byKey(space.data_sources?.metric_views, (t) => t.identifier), 'data_sources.metric_views must be sorted by identifier'],
    [(space.data_sources?.tables ?? []).every((t) => byKey(t.column_configs, (c) => c.column_name)), 'column_configs must be sorted by column_name'],
    [byKey(space.instructions?.text_instructions, (t) => t.id), 'instructions.text_instructions must be sorted by id'],
    [byKey(space.instructions?.example_question_sqls, (t) => t.id), 'instructions.example_question_sqls must be sorted by id'],
  ];
  const snippets = Object.values(space.instructions?.sql_snippets ?? {}).flat() as { display_name?: string }[];
  checks.push([snippets.every((x) => !!x.display_name), 'sql_snippets need a display_name']);
  for (const list of ['join_specs', 'sql_functions'] as const) checks.push([byKey<{ id: string }>(space.instructions?.[list], (t) => t.id), `instructions.${list} must be sorted by id`]);
  const over = limitViolations(space);
  if (over.length > 0) return { error: `Space exceeds its limits: ${over.join(', ')}` };
  const failed = checks.find(([ok]) => !ok);
  return failed ? { error: `Invalid export proto: ${failed[1]}` } : { space };
}
