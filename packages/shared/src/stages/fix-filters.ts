import { joinLines, type Fix, type RejectedFix, type SerializedSpace } from '../schemas/index.ts';
import { joinMeaning } from './join-conditions.ts';
import { normaliseQuestion, normaliseSql } from './sql-normalise.ts';

const lower = (text: string) => text.trim().toLowerCase();
const prose = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** Keys that identify a fix's target and content; two fixes sharing any key are duplicates. */
export function fixKeys(fix: Fix): string[] {
  switch (fix.kind) {
    case 'metadata': {
      const target = `${lower(fix.table)}|${lower(fix.column ?? '')}`;
      const synonyms = [...new Set((fix.synonyms ?? []).map(lower))].sort().join(',');
      return [`metadata|${target}|${prose(fix.description ?? '')}|${synonyms}`];
    }
    case 'text_instruction':
      return [`text_instruction|${prose(fix.content)}`];
    case 'example_sql':
      return [`example_sql|sql|${normaliseSql(fix.sql)}`, `example_sql|question|${normaliseQuestion(fix.question)}`];
    case 'metric_view':
      return [`metric_view|${lower(fix.identifier)}`];
    case 'join_spec':
      return [`join_spec|${[lower(fix.left.table), lower(fix.right.table)].sort().join('|')}`];
    case 'sql_snippet':
      return [`sql_snippet|${fix.snippet_type}|${lower(fix.alias)}`, `sql_snippet|${fix.snippet_type}|sql|${normaliseSql(fix.sql)}`];
    case 'sql_function':
      return [`sql_function|${lower(fix.identifier)}`];
  }
}

/** What a fix changes (not how): a column, a rule, an example's question, a view. */
export function fixTarget(fix: Fix): string {
  switch (fix.kind) {
    case 'metadata':
      return `metadata|${lower(fix.table)}|${lower(fix.column ?? '')}`;
    case 'text_instruction':
      return `text_instruction|${prose(fix.content)}`;
    case 'example_sql':
      return `example_sql|${normaliseQuestion(fix.question)}`;
    case 'metric_view':
      return `metric_view|${lower(fix.identifier)}`;
    case 'join_spec':
    case 'sql_function':
      return fixKeys(fix)[0];
    case 'sql_snippet':
      return `sql_snippet|${fix.snippet_type}|${lower(fix.alias)}`;
  }
}

/** Keeps the first of every group of duplicate fixes. */
export function dedupeFixes(fixes: readonly Fix[]): { kept: Fix[]; rejected: RejectedFix[] } {
  const seen = new Set<string>();
  const kept: Fix[] = [];
  const rejected: RejectedFix[] = [];
  for (const fix of fixes) {
    const keys = fixKeys(fix);
    if (keys.some((k) => seen.has(k))) {
      rejected.push({ fix, reason: 'duplicate of an earlier fix in the same plan' });
      continue;
    }
    keys.forEach((k) => seen.add(k));
    kept.push(fix);
  }
  return { kept, rejected };
}

/** True when applying the fix would change nothing because the space already holds it. */
export function isAlreadyInSpace(fix: Fix, space: SerializedSpace): boolean {
  const instructions = space.instructions ?? {};
  switch (fix.kind) {
    case 'text_instruction': {
      const content = prose(fix.content);
      return (instructions.text_instructions ?? []).some((t) => prose(joinLines(t.content)).includes(content));
    }
    case 'example_sql': {
      const sql = normaliseSql(fix.sql);
      const question = normaliseQuestion(fix.question);
      return (instructions.example_question_sqls ?? []).some(
        (e) => normaliseSql(joinLines(e.sql)) === sql || normaliseQuestion(joinLines(e.question)) === question,
      );
    }
    case 'metric_view':
      return (space.data_sources?.metric_views ?? []).some((m) => lower(m.identifier) === lower(fix.identifier));
    case 'sql_function':
      return (instructions.sql_functions ?? []).some((f) => lower(f.identifier) === lower(fix.identifier));
    case 'join_spec': {
      const meaning = joinMeaning({ identifier: fix.left.table, alias: fix.left.alias }, { identifier: fix.right.table, alias: fix.right.alias }, fix.sql);
      return (instructions.join_specs ?? []).some((j) => joinMeaning(j.left, j.right, joinLines(j.sql)) === meaning);
    }
    case 'sql_snippet': {
      const list = instructions.sql_snippets?.[`${fix.snippet_type}s`] ?? [];
      return list.some((x) => lower(x.alias ?? '') === lower(fix.alias) || normaliseSql(joinLines(x.sql)) === normaliseSql(fix.sql));
    }
    case 'metadata': {
      const table = (space.data_sources?.tables ?? []).find((t) => lower(t.identifier) === lower(fix.table));
      if (!table) return false;
      const sameDescription = (lines: string[] | undefined) => fix.description === undefined || prose(joinLines(lines)) === prose(fix.description);
      if (fix.column === undefined) {
        // table-level synonyms live in the table description (serialized_space has no table synonyms field)
        const description = prose(joinLines(table.description));
        return sameDescription(table.description) && (fix.synonyms ?? []).every((s) => description.includes(lower(s)));
      }
      const column = table.column_configs?.find((c) => lower(c.column_name) === lower(fix.column!));
      if (!column) return false;
      const existing = new Set((column.synonyms ?? []).map(lower));
      return sameDescription(column.description) && (fix.synonyms ?? []).every((s) => existing.has(lower(s)));
    }
  }
}

/** Splits fixes into those `reasonOf` finds nothing against and those rejected with its reason. */
export function rejectWhere(fixes: readonly Fix[], reasonOf: (fix: Fix) => string | undefined): { kept: Fix[]; rejected: RejectedFix[] } {
  const kept: Fix[] = [];
  const rejected: RejectedFix[] = [];
  for (const fix of fixes) {
    const reason = reasonOf(fix);
    if (reason) rejected.push({ fix, reason });
    else kept.push(fix);
  }
  return { kept, rejected };
}

/** Drops fixes the space already holds, each with the reason. */
export function dropPresentFixes(fixes: readonly Fix[], space: SerializedSpace): { kept: Fix[]; rejected: RejectedFix[] } {
  return rejectWhere(fixes, (fix) => (isAlreadyInSpace(fix, space) ? 'already present in the space' : undefined));
}
