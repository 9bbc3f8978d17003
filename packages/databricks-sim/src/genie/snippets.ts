/**
 * Knowledge-store snippets of a space (measures, filters, expressions): each names a piece of SQL over one table's
 * columns by its alias, display name and synonyms. Genie uses a measure for the KPI its words name, adds a filter's
 * condition when the question says one of its words, and groups by an expression its words name.
 */
import { joinLines, type SerializedSpace } from '@genie-enhancer/shared';
import type { Phrase, TableInfo } from './lexicon.ts';
import { identifierStems, shortName, stems } from './text.ts';

export type SnippetType = 'measure' | 'filter' | 'expression';

export interface SnippetInfo {
  type: SnippetType;
  alias: string;
  sql: string;
  /** the table whose columns the SQL reads */
  table: TableInfo;
  phrases: Phrase[];
}

const STRING_LITERAL = /'(?:[^']|'')*'/g;

/** Column names the SQL reads (outside string literals, not function names), lower case. */
function identifiersIn(sql: string): string[] {
  return [...sql.replace(STRING_LITERAL, ' ').matchAll(/\b([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1].toLowerCase());
}

/** The table holding the most of the SQL's identifiers as columns (a qualifier naming a table decides). */
function tableOf(sql: string, tables: readonly TableInfo[]): TableInfo | undefined {
  const ids = identifiersIn(sql);
  let best: { table: TableInfo; hits: number } | undefined;
  for (const table of tables) {
    const named = ids.includes(shortName(table.identifier)) ? 100 : 0;
    const hits = named + ids.filter((id) => table.columns.some((c) => c.name.toLowerCase() === id)).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { table, hits };
  }
  return best?.table;
}

export function snippetInfos(space: SerializedSpace, tables: readonly TableInfo[]): SnippetInfo[] {
  const lists = space.instructions?.sql_snippets ?? {};
  const out: SnippetInfo[] = [];
  for (const [type, key] of [['measure', 'measures'], ['filter', 'filters'], ['expression', 'expressions']] as const) {
    for (const snippet of [...(lists[key] ?? [])].sort((a, b) => a.id.localeCompare(b.id))) {
      const sql = joinLines(snippet.sql).trim();
      const table = tableOf(sql, tables);
      if (!sql || !table) continue;
      const phrases: Phrase[] = [
        ...(snippet.alias ? [{ words: identifierStems(snippet.alias), weight: 2 }] : []),
        ...(snippet.display_name ? [{ words: stems(snippet.display_name), weight: 2 }] : []),
        ...(snippet.synonyms ?? []).map((s) => ({ words: stems(s), weight: 3 })),
      ].filter((p) => p.words.length > 0);
      out.push({ type, alias: snippet.alias ?? `${type}_${out.length + 1}`, sql, table, phrases });
    }
  }
  return out;
}

/** The snippet's SQL with its table's columns written through `ref` (an alias when the query joins). */
export function qualifySnippet(snippet: SnippetInfo, ref: (table: string, column: string) => string): string {
  const columns = new Set(snippet.table.columns.map((c) => c.name.toLowerCase()));
  const table = shortName(snippet.table.identifier);
  return snippet.sql.split(/('(?:[^']|'')*')/).map((part, i) => (i % 2 === 1 ? part : part.replace(
    /\b(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)\b(?!\s*\()/g,
    (all, qualifier: string | undefined, name: string) => {
      if (!columns.has(name.toLowerCase()) || (qualifier && qualifier.toLowerCase() !== table)) return all;
      return ref(snippet.table.identifier, snippet.table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())!.name);
    },
  ))).join('');
}
