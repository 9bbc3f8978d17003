import { joinLines, type SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot, MetricViewDefinition } from '../catalog.types.ts';
import { contentStems, identifierStems, indexOfPhrase, shortName, stems } from './text.ts';
import { snippetInfos, type SnippetInfo } from './snippets.ts';

/** A way of naming something: a phrase of stems and how strongly it points at its target. */
export interface Phrase {
  words: string[];
  weight: number;
}

export interface ColumnInfo {
  table: string;
  name: string;
  type: string;
  numeric: boolean;
  temporal: boolean;
  phrases: Phrase[];
  descriptionWords: Set<string>;
  description: string;
  values: string[];
  /** frequent values of a high-cardinality column (the value index): matched only when spelled as stored */
  sampledValues: string[];
}

export interface TableInfo {
  identifier: string;
  entity: string[];
  phrases: Phrase[];
  description: string;
  descriptionWords: Set<string>;
  columns: ColumnInfo[];
}

export interface MetricViewInfo {
  definition: MetricViewDefinition;
  measures: { name: string; phrases: Phrase[] }[];
  dimensions: { name: string; phrases: Phrase[]; column?: ColumnInfo }[];
}

/** Everything the simulated Genie may know: the space's own configuration over the catalog's tables. */
export interface Lexicon {
  tables: TableInfo[];
  metricViews: MetricViewInfo[];
  textInstructions: string[];
  /** the space's SQL snippets: measures, filters and expressions with the words that name them */
  snippets: SnippetInfo[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL|NUMERIC|LONG|SHORT|BYTE)/i;
const TEMPORAL = /^(DATE|TIMESTAMP)/i;
const WEIGHT = { name: 2, head: 1.5, synonym: 3, description: 0.4 } as const;
/** Closing words of a name that say what kind of value it holds, not what it is about; also their short forms. */
const KIND_WORDS = ['amount', 'value', 'count', 'quantity', 'code', 'total', 'number'];
const isKindWord = (word: string) => KIND_WORDS.some((kind) => word === kind || abbreviates(word, kind) || word === kind.replace(/[aeiou]/g, ''));

/** A name without its kind word, which a question names by its head alone ("total <head>" for <head>_<kind>). */
function headPhrase(words: string[]): Phrase[] {
  return words.length > 1 && isKindWord(words[words.length - 1]) ? [{ words: words.slice(0, -1), weight: WEIGHT.head }] : [];
}

/**
 * A head that starts a table's name ("<entity>_<code>", a key) names that table, not the column; only a number of
 * the table's own rows ("<entity>_<amount>" in that table) keeps it.
 */
function dropHeadsNamingTables(tables: TableInfo[]): void {
  for (const column of tables.flatMap((t) => t.columns)) {
    const names = (t: TableInfo, words: string[]) => (t.identifier !== column.table || !column.numeric) && words.every((w, i) => t.entity[i] === w);
    column.phrases = column.phrases.filter((p) => p.weight !== WEIGHT.head || !tables.some((t) => names(t, p.words)));
  }
}

function phrasesFor(name: string, synonyms: readonly string[] | undefined): Phrase[] {
  const nameWords = identifierStems(name);
  const phrases: Phrase[] = [{ words: nameWords, weight: WEIGHT.name }, ...headPhrase(nameWords)];
  for (const synonym of synonyms ?? []) phrases.push({ words: stems(synonym), weight: WEIGHT.synonym });
  return phrases.filter((p) => p.words.length > 0);
}

/** How well `tokens` name a target: the best contained phrase (weight × length) plus weak description evidence. */
export function matchScore(tokens: readonly string[], phrases: readonly Phrase[], descriptionWords?: Set<string>): number {
  let best = 0;
  for (const phrase of phrases) {
    if (indexOfPhrase(tokens, phrase.words) >= 0) best = Math.max(best, phrase.weight * phrase.words.length);
    // an abbreviated name ("<abbr>_<abbr>") read from the words it shortens, less surely than the words themselves
    else if ((phrase.weight === WEIGHT.name || phrase.weight === WEIGHT.head) && indexOfAbbreviated(tokens, phrase.words) >= 0) best = Math.max(best, phrase.words.length);
  }
  if (descriptionWords && descriptionWords.size > 0) {
    best += tokens.filter((t) => descriptionWords.has(t)).length * WEIGHT.description;
  }
  return best;
}

/** `short` abbreviates `word`: at least three letters, the same first letter, its letters in order inside the word. */
export function abbreviates(short: string, word: string): boolean {
  if (short.length < 3 || word.length <= short.length || short[0] !== word[0] || /\d/.test(short)) return false;
  let at = 0;
  for (const ch of word) if (ch === short[at]) at++;
  return at === short.length;
}

/** Like `indexOfPhrase`, each phrase word either equal to its token or abbreviating it; at least one abbreviated. */
function indexOfAbbreviated(tokens: readonly string[], phrase: readonly string[]): number {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    let shortened = false;
    for (let j = 0; j < phrase.length; j++) {
      if (tokens[i + j] === phrase[j]) continue;
      if (!abbreviates(phrase[j], tokens[i + j])) continue outer;
      shortened = true;
    }
    if (shortened) return i;
  }
  return -1;
}

export function buildLexicon(space: SerializedSpace, catalog: CatalogSnapshot): Lexicon {
  const catalogTables = new Map(catalog.tables.map((t) => [t.identifier.toLowerCase(), t]));
  const tables: TableInfo[] = [];
  for (const source of [...(space.data_sources?.tables ?? [])].sort((a, b) => a.identifier.localeCompare(b.identifier))) {
    const identifier = source.identifier.toLowerCase();
    const table = catalogTables.get(identifier);
    if (!table) continue;
    const configs = new Map((source.column_configs ?? []).map((c) => [c.column_name.toLowerCase(), c]));
    const columns = table.columns.map((column): ColumnInfo => {
      const config = configs.get(column.name.toLowerCase());
      const description = joinLines(config?.description);
      return {
        table: identifier,
        name: column.name,
        type: column.type,
        numeric: NUMERIC.test(column.type),
        temporal: TEMPORAL.test(column.type),
        phrases: phrasesFor(column.name, config?.synonyms),
        descriptionWords: new Set(contentStems(description)),
        description,
        values: table.values[column.name] ?? [],
        sampledValues: table.sampledValues?.[column.name] ?? [],
      };
    });
    const description = joinLines(source.description);
    const entity = identifierStems(shortName(identifier));
    tables.push({ identifier, entity, phrases: [{ words: entity, weight: WEIGHT.name }], description, descriptionWords: new Set(contentStems(description)), columns });
  }
  dropHeadsNamingTables(tables);

  const listed = new Set((space.data_sources?.metric_views ?? []).map((v) => v.identifier.toLowerCase()));
  const metricViews = catalog.metricViews
    .filter((v) => listed.has(v.identifier.toLowerCase()))
    .sort((a, b) => a.identifier.localeCompare(b.identifier))
    .map((definition) => metricViewInfo(definition, tables));

  const textInstructions = (space.instructions?.text_instructions ?? []).map((t) => joinLines(t.content));
  return { tables, metricViews, textInstructions, snippets: snippetInfos(space, tables) };
}

function metricViewInfo(definition: MetricViewDefinition, tables: TableInfo[]): MetricViewInfo {
  const source = tables.find((t) => t.identifier === definition.source.toLowerCase());
  const joined = new Map((definition.joins ?? []).map((j) => [j.name.toLowerCase(), tables.find((t) => t.identifier === j.source.toLowerCase())]));
  const columnOf = (expr: string): ColumnInfo | undefined => {
    const m = /^\s*(?:(\w+)\.)?(\w+)\s*$/.exec(expr);
    if (!m) return undefined;
    const table = m[1] && m[1].toLowerCase() !== 'source' ? joined.get(m[1].toLowerCase()) : source;
    return table?.columns.find((c) => c.name.toLowerCase() === m[2].toLowerCase());
  };
  const fieldPhrases = (f: { name: string; synonyms?: string[]; comment?: string }) => [
    ...phrasesFor(f.name, f.synonyms),
    ...(f.comment ? [{ words: contentStems(f.comment), weight: WEIGHT.description }] : []),
  ];
  return {
    definition,
    measures: definition.measures.map((m) => ({ name: m.name, phrases: fieldPhrases(m) })),
    dimensions: definition.dimensions.map((d) => {
      const column = columnOf(d.expr);
      return { name: d.name, column, phrases: [...fieldPhrases(d), ...(column?.phrases ?? [])] };
    }),
  };
}
