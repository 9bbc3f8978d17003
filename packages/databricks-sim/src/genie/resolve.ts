/** Slots → SQL over the space's tables (or one of its metric views). */
import type { InstructionRules, JoinEdge } from './instructions.ts';
import { columnComparison } from './column-comparison.ts';
import { findTable, joinPath, onCondition } from './join-graph.ts';
import { abbreviates, matchScore, type ColumnInfo, type Lexicon, type MetricViewInfo, type TableInfo } from './lexicon.ts';
import { AGGREGATE_WORDS, type Aggregation, type Grain, type ParsedQuestion, type TimeFilter } from './question.ts';
import { identifierStems, indexOfPhrase, isParticiple, quoteSqlString, shortName, stems } from './text.ts';
import { qualifySnippet, type SnippetInfo, type SnippetType } from './snippets.ts';

export type Resolution = { sql: string; description: string } | { clarify: string };

const NON_MEASURE = /(^id$|_id$|_key$|_ref$|_no$|_nbr$|_num$|_code$)/i;
const GRAIN_EXPR = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH', QUARTER: 'QUARTER', YEAR: 'YEAR' } as const;

interface ValueFilter { column: ColumnInfo; value: string }

function best<T>(items: T[], score: (item: T) => number): { item: T; score: number } | undefined {
  let top: { item: T; score: number } | undefined;
  for (const item of items) {
    const s = score(item);
    if (s > 0 && (!top || s > top.score)) top = { item, score: s };
  }
  return top;
}

const allColumns = (lexicon: Lexicon) => lexicon.tables.flatMap((t) => t.columns);
const tableOf = (lexicon: Lexicon, column: ColumnInfo) => lexicon.tables.find((t) => t.identifier === column.table)!;

function labelColumn(table: TableInfo): ColumnInfo | undefined {
  const strings = table.columns.filter((c) => /^STRING|^VARCHAR/i.test(c.type) && !NON_MEASURE.test(c.name));
  return strings.find((c) => c.phrases.some((p) => p.words.some((w) => w === 'name' || w === 'nm' || w === 'label' || w === 'title'))) ?? strings[0];
}

function resolveDimension(lexicon: Lexicon, phrase: string[]): ColumnInfo | undefined {
  const entityBoost = (c: ColumnInfo) => (tableOf(lexicon, c).entity.some((w) => phrase.includes(w)) ? 1 : 0);
  const hit = best(allColumns(lexicon), (c) => {
    const s = matchScore(phrase, c.phrases, c.descriptionWords);
    return s > 0 ? s + entityBoost(c) : 0;
  });
  if (hit && hit.score >= 1) return hit.item;
  const table = best(lexicon.tables, (t) => matchScore(phrase, t.phrases, t.descriptionWords));
  if (table) return labelColumn(table.item);
  // "<word>" for a table named <word>_<suffix>: the one table whose name starts with every word of the phrase
  // (or abbreviated: "<abbr>_<suffix>" for "<word>")
  const partial = lexicon.tables.filter((t) => phrase.length > 0 && phrase.length < t.entity.length && phrase.every((w, i) => t.entity[i] === w || abbreviates(t.entity[i], w)));
  return partial.length === 1 ? labelColumn(partial[0]) : undefined;
}

function valueFilters(lexicon: Lexicon, tokens: string[], written: string[] = []): ValueFilter[] {
  const found = new Map<string, { filter: ValueFilter; score: number; at: number; end: number }>();
  for (const column of allColumns(lexicon)) {
    const indexed = column.sampledValues.filter((v) => spelledAsStored(written, v));
    for (const value of [...column.values, ...indexed]) {
      const words = stems(value);
      const at = indexOfValue(tokens, words);
      if (words.length === 0 || at < 0) continue;
      // a value spelled like a table's name ("ITEM" vs "items") is the table, not the value
      if (lexicon.tables.some((t) => t.entity.join(' ') === words.join(' '))) continue;
      const context = tokens.slice(Math.max(0, at - 3), at + words.length + 3);
      const score = 1 + matchScore(context, column.phrases) + (tableOf(lexicon, column).entity.some((w) => context.includes(w)) ? 0.5 : 0);
      const key = words.join(' ');
      const current = found.get(key);
      if (!current || score > current.score) found.set(key, { filter: { column, value }, score, at, end: at + words.length });
    }
  }
  // "Big Xyz" is one value: a shorter value ("Xyz") inside a longer one is not asked for on its own
  const spans = [...found.values()];
  return spans.filter((f) => !spans.some((o) => o !== f && o.at <= f.at && o.end >= f.end && o.end - o.at > f.end - f.at)).map((f) => f.filter);
}

/**
 * A value from the value index counts only when the question writes it as stored, capitalised, and not as the
 * question's first word: "in Springfield", not "most" or "long" that a large column happens to hold too.
 */
function spelledAsStored(written: string[], value: string): boolean {
  const parts = value.match(/[A-Za-z0-9]+/g) ?? [];
  if (!/^[A-Z]/.test(parts[0] ?? '') || parts.join('').length < 3) return false;
  return indexOf(written, parts) > 0;
}

/** A value's words in the question, its last word also as the adjective English makes of a place name (+n, +an). */
function indexOfValue(tokens: string[], words: string[]): number {
  const at = indexOf(tokens, words);
  if (at >= 0 || words.length === 0) return at;
  const last = words[words.length - 1];
  if (last.length < 4 || !/[a-z]$/.test(last)) return -1;
  for (const suffix of /[aeiou]$/.test(last) ? ['n'] : ['an', 'ian']) {
    const hit = indexOf(tokens, [...words.slice(0, -1), last + suffix]);
    if (hit >= 0) return hit;
  }
  return -1;
}

function indexOf(tokens: string[], words: string[]): number {
  outer: for (let i = 0; i + words.length <= tokens.length; i++) {
    for (let j = 0; j < words.length; j++) if (tokens[i + j] !== words[j]) continue outer;
    return i;
  }
  return -1;
}

function dateColumn(table: TableInfo, tokens: string[]): ColumnInfo | undefined {
  const dates = table.columns.filter((c) => c.temporal);
  return best(dates, (c) => matchScore(tokens, c.phrases, c.descriptionWords))?.item ?? dates[0];
}

function timeCondition(time: TimeFilter, col: string, rules: InstructionRules): string {
  switch (time.kind) {
    case 'year':
      return `year(${col}) = ${time.year}`;
    case 'before_year':
      return `year(${col}) < ${time.year}`;
    case 'after_year':
      return `year(${col}) > ${time.year}`;
    case 'fiscal_year': {
      if (!rules.fiscal) return `year(${col}) = ${time.year}`;
      const startYear = time.year + rules.fiscal.yearOffset;
      const month = String(rules.fiscal.startMonth).padStart(2, '0');
      return `${col} >= DATE '${startYear}-${month}-01' AND ${col} < DATE '${startYear + 1}-${month}-01'`;
    }
    case 'quarter':
      return `year(${col}) = ${time.year} AND quarter(${col}) = ${time.quarter}`;
    case 'month':
      return `year(${col}) = ${time.year} AND month(${col}) = ${time.month}`;
    case 'last_days':
      return `${col} >= date_sub(current_date(), ${time.days})`;
    case 'last_month':
      return `date_trunc('MONTH', ${col}) = add_months(date_trunc('MONTH', current_date()), -1)`;
    case 'this_year':
      return `year(${col}) = year(current_date())`;
    case 'last_year':
      return `year(${col}) = year(current_date()) - 1`;
  }
}

/** A period to group by: its first day, or its number when an instruction says so ("the month number"). */
function periodExpr(grain: Grain, col: string, rules: InstructionRules): string {
  // a year is read as its number ("2023"); shorter periods as their first day unless the space says otherwise
  return grain === 'YEAR' || (rules.periodNumbers as string[]).includes(grain) ? `${grain.toLowerCase()}(${col})` : `date_trunc('${GRAIN_EXPR[grain]}', ${col})`;
}

function aggregateExpr(aggregation: Aggregation, column: string | undefined): string {
  if (aggregation === 'COUNT') return column ? `COUNT(DISTINCT ${column})` : 'COUNT(*)';
  return `${aggregation}(${column})`;
}

/** Builds the SQL for a parsed question, or says what it would need to know. */
export function resolveQuestion(parsed: ParsedQuestion, lexicon: Lexicon, rules: InstructionRules, edges: JoinEdge[]): Resolution {
  if (lexicon.tables.length === 0) return { clarify: 'This space has no tables I can query.' };
  const viaMetricView = resolveWithMetricView(parsed, lexicon, rules);
  if (viaMetricView) return viaMetricView;

  parsed = rankByCount(parsed, lexicon);
  const filterTables = new Set(valueFilters(lexicon, parsed.tokens, parsed.written).map((f) => f.column.table));
  // the tables the groupings and compared numbers name also hold the measure when two tables have it
  for (const phrase of [...parsed.groupPhrases, ...(parsed.numberFilters ?? []).flatMap((f) => [f.before, f.after])]) {
    const named = best(allColumns(lexicon), (c) => matchScore(phrase, c.phrases));
    if (named && named.score >= 2) filterTables.add(named.item.table);
  }
  // the measure, or what is counted
  let base: TableInfo | undefined;
  let measure: ColumnInfo | undefined;
  let countDistinct: string | undefined;
  let snippetMeasure: SnippetInfo | undefined;
  let aggregation: Aggregation | undefined = parsed.aggregation ?? (parsed.measurePhrase ? 'SUM' : undefined);
  // "over <qualifier> <noun>": a state of a row read from two of its columns
  const compared = columnComparison(lexicon, parsed.tokens);
  if (!aggregation) return { clarify: 'Could you say which number you are looking for (a count, a total, an average)?' };
  // "how many <X> were <verb>ed" where X names a numeric column: the total (or average) of that column
  const counted = aggregation === 'COUNT' && !parsed.share ? columnCounted(lexicon, parsed.countNoun ?? []) : undefined;
  if (counted) {
    aggregation = parsed.tokens.some((w) => w === 'average' || w === 'mean') ? 'AVG' : 'SUM';
    measure = counted;
    base = tableOf(lexicon, counted);
  } else if (aggregation === 'COUNT') {
    const noun = parsed.countNoun ?? [];
    const distinctOf = DISTINCT_WORDS.has(noun[0] ?? '') ? resolveDistinctColumn(lexicon, noun.slice(1)) : undefined;
    if (distinctOf) {
      base = tableOf(lexicon, distinctOf);
      countDistinct = distinctOf.name;
    } else {
      const head = noun[noun.length - 1];
      // an instruction saying how to count the noun names its table too
      base = countedTable(lexicon, noun) ?? findTable(lexicon, rules.countRules.find((r) => r.noun === head)?.table ?? '') ?? compared?.table ?? roleTable(lexicon, head);
      if (!base) return { clarify: `Which table holds the "${noun.join(' ')}" you want counted?` };
      const rule = rules.countRules.find((r) => r.noun === head && findTable(lexicon, r.table) === base);
      countDistinct = rule?.column;
    }
  } else {
    const phrase = parsed.measurePhrase ?? [];
    const candidates = allColumns(lexicon).filter((c) => c.numeric && !NON_MEASURE.test(c.name));
    // among equally good columns, the one in the table the question's values come from
    const column = best(candidates, (c) => { const m = matchScore(phrase, c.phrases, c.descriptionWords); return m > 0 ? m + (filterTables.has(c.table) ? 0.05 : 0) : 0; });
    // a measure snippet the words name at least as well as any column defines the KPI
    const snippet = best(snippetsOf(lexicon, 'measure'), (m) => matchScore(phrase, m.phrases));
    if (snippet && snippet.score >= 2 && snippet.score >= (column?.score ?? 0)) snippetMeasure = snippet.item;
    else measure = column?.item;
    if (snippetMeasure) base = snippetMeasure.table;
    else if (!measure) return { clarify: `I could not find a column for "${phrase.join(' ')}". Which column holds it?` };
    else base = tableOf(lexicon, measure);
  }

  // dimensions, value filters and the tables they need
  const dimensions: ColumnInfo[] = [];
  const expressions: SnippetInfo[] = [];
  let perEntityKey: string | undefined;
  for (const phrase of parsed.groupPhrases) {
    const expression = best(snippetsOf(lexicon, 'expression'), (x) => matchScore(phrase, x.phrases));
    const column = best(allColumns(lexicon), (c) => matchScore(phrase, c.phrases, c.descriptionWords));
    if (expression && expression.score >= 2 && expression.score >= (column?.score ?? 0)) {
      if (!expressions.includes(expression.item)) expressions.push(expression.item);
      continue;
    }
    const dimension = resolveDimension(lexicon, phrase);
    // "kilometres per litre": part of a rate measure, not a grouping, when it names no other column
    // "<measure> per <X>" where X is what a row of the measure's own table is: per row, not a grouping
    const perRow = !!dimension && dimension.table === base.identifier && !(column && column.score >= 2);
    if (parsed.ratePhrases?.includes(phrase) && (!dimension || dimension === measure || perRow)) continue;
    // "average <measure> per <entity>" of another table: the total shared among the entities the rows reference
    const entityKey = aggregation === 'AVG' && measure && dimension && parsed.ratePhrases?.includes(phrase) ? referencingKey(edges, base.identifier, dimension.table) : undefined;
    if (entityKey) {
      perEntityKey = entityKey;
      continue;
    }
    if (!dimension) return { clarify: `Which column do you mean by "${phrase.join(' ')}"?` };
    const shown = referencedLabel(lexicon, edges, dimension) ?? dimension;
    if (!dimensions.includes(shown)) dimensions.push(shown);
  }
  // columns the question lists replace a grouping on the same table ("each shop ... list its id and name")
  const listed = (parsed.listedPhrases ?? []).map((p) => listedColumn(lexicon, p)).filter((c): c is ColumnInfo => !!c && c !== measure);
  if (listed.length) {
    const tables = new Set(listed.map((c) => c.table));
    const kept = dimensions.filter((d) => !tables.has(d.table));
    dimensions.length = 0;
    for (const d of [...kept, ...listed]) if (!dimensions.includes(d)) dimensions.push(d);
  }
  const filters = valueFilters(lexicon, parsed.tokens, parsed.written).filter((f) => !dimensions.includes(f.column) || true);
  const numbers = numberConditions(lexicon, parsed, base, measure);
  const flags = flagFilters(lexicon, parsed.tokens, base, measure, countDistinct);
  const extras = (parsed.extraMeasures ?? []).flatMap((extra) => {
    const column = best(allColumns(lexicon).filter((c) => c.numeric && !NON_MEASURE.test(c.name)), (c) => matchScore(extra.phrase, c.phrases, c.descriptionWords) + (c.table === base!.identifier ? 0.05 : 0))?.item;
    return column && column !== measure ? [{ aggregation: extra.aggregation, column }] : [];
  });
  const snippetFilters = snippetsOf(lexicon, 'filter').filter((f) => f.phrases.some((p) => restrictsTo(parsed.tokens, p.words)));
  const needed = new Set<string>([
    ...[...dimensions, ...filters.map((f) => f.column), ...numbers.flatMap((n) => (n.column ? [n.column] : [])), ...flags.map((f) => f.column), ...extras.map((e) => e.column)].map((c) => c.table),
    ...[...expressions, ...snippetFilters].map((x) => x.table.identifier),
  ]);
  // a table without a date of its own is dated by the one table it refers to that has one
  const dateHost = (parsed.time || parsed.grain) && !dateColumn(base, parsed.tokens) && !yearColumn(base) ? datedNeighbour(lexicon, edges, base) : undefined;
  if (dateHost) needed.add(dateHost.identifier);
  const joins: JoinEdge[] = [];
  const joined = [base.identifier];
  for (const table of [...needed].sort()) {
    if (joined.includes(table)) continue;
    const path = joinPath(edgesNamedBy(edges, parsed.tokens), base.identifier, table);
    if (!path) return { clarify: `I don't know how ${shortName(base.identifier)} relates to ${shortName(table)}. How should they be joined?` };
    for (const edge of path) {
      if (joined.includes(edge.right)) continue;
      joins.push(edge);
      joined.push(edge.right);
    }
  }

  const aliases = aliasTables(joined);
  const ref = (table: string, column: string) => (joined.length > 1 ? `${aliases.get(table)}.${column}` : column);
  const conditions: string[] = [];
  for (const rule of rules.defaultFilters) {
    const table = findTable(lexicon, rule.table);
    // a rule on the rows counted or summed, not on a table joined only on the way to another
    if (!table || table.identifier !== base.identifier) continue;
    const onColumn = (c: ColumnInfo) => c.table === table.identifier && c.name.toLowerCase() === rule.column.toLowerCase();
    // "unless the question asks for them": a value of, a grouping by or a defined filter on that column asks
    const asked = filters.some((f) => onColumn(f.column)) || dimensions.some(onColumn)
      || snippetFilters.some((f) => f.table.identifier === table.identifier && readsColumn(f, rule.column))
      || parsed.tokens.some(isIncluding);
    if (!asked) conditions.push(`${ref(table.identifier, rule.column)} <> ${quoteSqlString(rule.value)}`);
  }
  // "what share of X were Y": the conditions Y's words name decide the share; the others choose the rows of X
  const concept = parsed.share?.concept ?? parsed.shareOfTotal?.concept ?? [];
  const shareConditions: string[] = [];
  const add = (condition: string, named: boolean) => (named && concept.length ? shareConditions : conditions).push(condition);
  // several values of one column ("red and blue") are alternatives
  const byColumn = new Map<ColumnInfo, string[]>();
  for (const f of filters) byColumn.set(f.column, [...(byColumn.get(f.column) ?? []), f.value]);
  for (const [column, values] of byColumn) {
    add(values.length === 1 ? `${ref(column.table, column.name)} = ${quoteSqlString(values[0])}` : `${ref(column.table, column.name)} IN (${values.map(quoteSqlString).join(', ')})`, values.every((v) => indexOfPhrase(concept, stems(v)) >= 0));
  }
  for (const f of snippetFilters) add(snippetFilters.length > 1 || conditions.length > 0 ? `(${qualifySnippet(f, ref)})` : qualifySnippet(f, ref), f.phrases.some((p) => indexOfPhrase(concept, p.words) >= 0));
  if (compared && compared.table === base && !snippetFilters.some((f) => readsColumn(f, compared.left.name) && readsColumn(f, compared.right.name))) {
    add(`${ref(base.identifier, compared.left.name)} ${compared.op} ${ref(base.identifier, compared.right.name)}`, compared.words.some((w) => concept.includes(w)));
  }
  for (const f of flags) add(`${ref(f.column.table, f.column.name)} = ${quoteSqlString(f.value)}`, f.column.phrases.some((p) => p.words.some((w) => concept.includes(w))));
  const eitherStart = conditions.length;
  for (const n of numbers.filter((x) => !x.aggregate)) add(`${ref(n.column!.table, n.column!.name)} ${n.op} ${n.value}`, concept.includes(String(n.value)));
  if (parsed.shareOfTotal && (shareConditions.length === 0 || !measure)) return { clarify: `Which part of the total do you mean by "${concept.join(' ')}"?` };
  if (parsed.share && shareConditions.length === 0) return { clarify: `What makes ${parsed.share.subject.join(' ')} count as "${concept.join(' ')}"?` };

  let grainExpr: string | undefined;
  const yearNumber = !dateColumn(base, parsed.tokens) ? yearColumn(base) : undefined;
  if (yearNumber && (parsed.time || parsed.grain === 'YEAR')) {
    // a table with a year number instead of a date: "in <year>" is that number
    const col = ref(base.identifier, yearNumber.name);
    const t = parsed.time;
    if (t?.kind === 'year') conditions.push(`${col} = ${t.year}`);
    else if (t?.kind === 'before_year') conditions.push(`${col} < ${t.year}`);
    else if (t?.kind === 'after_year') conditions.push(`${col} > ${t.year}`);
    else if (t) return { clarify: `${shortName(base.identifier)} has only a year number; which years do you mean?` };
    if (parsed.grain === 'YEAR') grainExpr = col;
  } else if (parsed.time || parsed.grain) {
    const dated = dateHost ?? base;
    const date = dateColumn(dated, parsed.tokens);
    if (!date) return { clarify: `Which date should I use for ${shortName(base.identifier)}?` };
    const col = ref(dated.identifier, date.name);
    if (parsed.time) conditions.push(timeCondition(parsed.time, col, rules));
    if (parsed.grain) grainExpr = periodExpr(parsed.grain, col, rules);
  }

  const fraction = `AVG(CASE WHEN ${shareConditions.join(' AND ')} THEN 1.0 ELSE 0.0 END)`;
  const partOfTotal = measure && parsed.shareOfTotal ? partOfTotalExpr(shareConditions, ref(base.identifier, measure.name)) : undefined;
  const valueName = parsed.share || partOfTotal ? 'share' : snippetMeasure ? snippetMeasure.alias : measure ? `${aggregation.toLowerCase()}_${measure.name}` : countDistinct ? `count_${countDistinct}` : 'row_count';
  const valueExpr = partOfTotal ?? (parsed.share ? (parsed.share.percent && !rules.sharesAsFractions ? `100.0 * ${fraction}` : fraction)
    : snippetMeasure ? qualifySnippet(snippetMeasure, ref)
    : perEntityKey && measure ? `SUM(${ref(base.identifier, measure.name)}) / COUNT(DISTINCT ${ref(base.identifier, perEntityKey)})`
    : aggregateExpr(aggregation, measure ? ref(base.identifier, measure.name) : countDistinct ? ref(base.identifier, countDistinct) : undefined));
  const groupExprs = [...(grainExpr ? [grainExpr] : []), ...dimensions.map((d) => ref(d.table, d.name)), ...expressions.map((x) => qualifySnippet(x, ref))];
  const select = [
    ...(grainExpr ? [`${grainExpr} AS ${parsed.grain!.toLowerCase()}`] : []),
    ...dimensions.map((d) => ref(d.table, d.name)),
    ...expressions.map((x) => `${qualifySnippet(x, ref)} AS ${x.alias}`),
    `${valueExpr} AS ${valueName}`,
    ...extras.map((e) => `${aggregateExpr(e.aggregation, ref(e.column.table, e.column.name))} AS ${e.aggregation.toLowerCase()}_${e.column.name}`),
  ];

  const lines = [`SELECT ${select.join(', ')}`, `FROM ${base.identifier}${joined.length > 1 ? ` ${aliases.get(base.identifier)}` : ''}`];
  for (const edge of joins) {
    lines.push(`JOIN ${edge.right} ${aliases.get(edge.right)} ON ${onCondition(edge, aliases.get(edge.left)!, aliases.get(edge.right)!)}`);
  }
  // "with <n> <words> or <verb>ed before <year>": the two compared numbers are alternatives
  if (parsed.numbersEitherOr && conditions.length - eitherStart === 2) conditions.splice(eitherStart, 2, `(${conditions[eitherStart]} OR ${conditions[eitherStart + 1]})`);
  if (conditions.length) lines.push(`WHERE ${conditions.join(' AND ')}`);
  if (groupExprs.length) lines.push(`GROUP BY ${groupExprs.join(', ')}`);
  const having = numbers.filter((x) => x.aggregate && groupExprs.length).map((n) => `${aggregateExpr(n.aggregate!, n.column ? ref(n.column.table, n.column.name) : undefined)} ${n.op} ${n.value}`);
  if (having.length) lines.push(`HAVING ${having.join(' AND ')}`);
  if (parsed.limit && groupExprs.length) lines.push(`ORDER BY ${valueName} ${parsed.limit.direction}`, `LIMIT ${parsed.limit.n}`);
  else if (grainExpr) lines.push(`ORDER BY ${parsed.grain!.toLowerCase()}`);
  return { sql: lines.join('\n'), description: describe(aggregation, snippetMeasure?.alias ?? measure?.name ?? countDistinct ?? shortName(base.identifier), dimensions, parsed) };
}

/** The column of `table` that references `other` by a one-column key, if a join edge says so. */
function referencingKey(edges: JoinEdge[], table: string, other: string): string | undefined {
  for (const e of edges) {
    if (e.more?.length) continue;
    if (e.left === table && e.right === other) return e.leftColumn;
    if (e.right === table && e.left === other) return e.rightColumn;
  }
  return undefined;
}

/**
 * "Which X has the most Y" with no aggregate word: Y naming a table better than any numeric column ranks by the
 * count of Y's rows; a Y naming nothing at all ("the most popular") ranks by the count of X's rows.
 */
function rankByCount(parsed: ParsedQuestion, lexicon: Lexicon): ParsedQuestion {
  const phrase = parsed.measurePhrase;
  if (parsed.aggregation || !parsed.limit || !phrase?.length) return parsed;
  const column = best(allColumns(lexicon).filter((c) => c.numeric && !NON_MEASURE.test(c.name)), (c) => matchScore(phrase, c.phrases, c.descriptionWords));
  const named = best(lexicon.tables, (t) => matchScore(phrase, t.phrases, t.descriptionWords));
  // "the most <nouns> <verb>ed": the participle closing the phrase is not part of the noun
  const noun = phrase.length > 1 && isParticiple(phrase[phrase.length - 1]) ? phrase.slice(0, -1) : phrase;
  if (named && named.score > (column?.score ?? 0)) return { ...parsed, aggregation: 'COUNT', countNoun: noun, measurePhrase: undefined };
  if (column && column.score >= 1) return parsed;
  const group = parsed.groupPhrases[0];
  const counted = group && (countedTable(lexicon, phrase) ?? countedTable(lexicon, group));
  return counted ? { ...parsed, aggregation: 'COUNT', countNoun: countedTable(lexicon, phrase) ? phrase : group, measurePhrase: undefined } : parsed;
}

/** A numeric key referring to another table ("grouped by owner" on an owner id) is shown by that table's name column. */
function referencedLabel(lexicon: Lexicon, edges: JoinEdge[], column: ColumnInfo): ColumnInfo | undefined {
  if (!column.numeric || column.temporal) return undefined;
  for (const edge of edges) {
    const other = edge.left === column.table && edge.leftColumn === column.name ? edge.right : edge.right === column.table && edge.rightColumn === column.name ? edge.left : undefined;
    const key = other === edge.right ? edge.rightColumn : edge.leftColumn;
    const table = other ? lexicon.tables.find((t) => t.identifier === other) : undefined;
    // only towards the table the key identifies (its own key), never from a table's key to its referrers
    if (!table || edge.more || !table.columns.some((c) => c.name === key && isOwnKey(table, c))) continue;
    const label = labelColumn(table);
    if (label) return label;
  }
  return undefined;
}

/** A listed column: "<entity> id" is that table's own key; anything else a column as a dimension phrase names it. */
function listedColumn(lexicon: Lexicon, phrase: string[]): ColumnInfo | undefined {
  const last = phrase[phrase.length - 1];
  if (/^(id|code|key)$/.test(last)) {
    const rest = phrase.slice(0, -1);
    const table = rest.length ? countedTable(lexicon, rest) : undefined;
    const key = table?.columns.find((c) => isOwnKey(table, c));
    if (key) return key;
  }
  return resolveDimension(lexicon, phrase);
}

const isOwnKey = (table: TableInfo, column: ColumnInfo) => /^(id|code|key)$/i.test(column.name) || (/(id|code|key)$/i.test(column.name) && table.columns.indexOf(column) === 0);

const DISTINCT_WORDS = new Set(['distinct', 'different', 'unique']);

const snippetsOf = (lexicon: Lexicon, type: SnippetType) => lexicon.snippets.filter((x) => x.type === type);

/** "how many distinct X": the column X whose distinct values are counted. */
function resolveDistinctColumn(lexicon: Lexicon, phrase: string[]): ColumnInfo | undefined {
  if (phrase.length === 0) return undefined;
  const hit = best(allColumns(lexicon).filter((c) => !c.numeric || c.temporal), (c) => matchScore(phrase, c.phrases, c.descriptionWords));
  return hit && hit.score >= 2 ? hit.item : undefined;
}

/**
 * The table whose rows a count noun names: a name or description match first; else a table whose name contains
 * the noun's head word ("boxes" → box_info, "tags" → itemtag). Two tables that fit equally well
 * are a question to ask, not a guess.
 */
function countedTable(lexicon: Lexicon, noun: string[]): TableInfo | undefined {
  // a name or synonym names the table outright; a description word alone is weaker than the noun's head word
  const direct = best(lexicon.tables, (t) => matchScore(noun, t.phrases, t.descriptionWords));
  if (direct && direct.score >= 1) return direct.item;
  const head = noun[noun.length - 1];
  const scored = lexicon.tables.map((t) => {
    let score = 0;
    noun.forEach((w, i) => {
      if (w.length < 3) return;
      const hit = t.entity.some((e) => e === w || (e.length > w.length + 2 && e.endsWith(w)));
      if (hit) score = Math.max(score, i === noun.length - 1 ? 1 : 0.5);
    });
    if (head && t.descriptionWords.has(head)) score += 0.6;
    return { t, score };
  }).filter((x) => x.score > 0).sort((a, b) => b.score - a.score);
  if (scored.length === 0 || (scored.length > 1 && scored[1].score === scored[0].score)) return undefined;
  return scored[0].t;
}

/**
 * "How many <X>": a numeric column that the count noun names by its name or a synonym, better than any table's name
 * or description names it: the noun is what the column measures, and the question asks for its total.
 */
function columnCounted(lexicon: Lexicon, noun: string[]): ColumnInfo | undefined {
  if (noun.length === 0) return undefined;
  const column = best(allColumns(lexicon).filter((c) => c.numeric && !c.temporal && !NON_MEASURE.test(c.name)), (c) => matchScore(noun, c.phrases));
  const table = best(lexicon.tables, (t) => matchScore(noun, t.phrases, t.descriptionWords));
  if (column && column.score >= 2 && column.score > (table?.score ?? 0)) return column.item;
  return table || countedTable(lexicon, noun) ? undefined : measuredByNoun(lexicon, noun);
}

/**
 * "How many <noun>s" where no table holds the noun: the one numeric column whose name or synonym ends in that noun
 * ("<qualifier> <noun>s") measures it.
 */
function measuredByNoun(lexicon: Lexicon, noun: string[]): ColumnInfo | undefined {
  const head = noun[noun.length - 1];
  if (noun.length !== 1 || !head || head.length < 3) return undefined;
  const columns = allColumns(lexicon).filter((c) => c.numeric && !c.temporal && !NON_MEASURE.test(c.name) && c.phrases.some((p) => p.words.length > 1 && p.words[p.words.length - 1] === head));
  return columns.length === 1 ? columns[0] : undefined;
}

/** A column that holds a year as a number (no date type): its name says "year". */
function yearColumn(table: TableInfo): ColumnInfo | undefined {
  return table.columns.find((c) => c.numeric && c.phrases.some((p) => p.weight >= 2 && p.words[p.words.length - 1] === 'year'));
}

/** a row condition, or with `aggregate` a condition on each group (HAVING); a count of rows has no column */
interface NumberCondition { column?: ColumnInfo; op: string; value: number; aggregate?: Aggregation }

/** "more than <n> <words>", "<word> greater than <n>", "with <n> <words>": a numeric column compared with a number. */
function numberConditions(lexicon: Lexicon, parsed: ParsedQuestion, base: TableInfo, measure: ColumnInfo | undefined): NumberCondition[] {
  const out: NumberCondition[] = [];
  const numeric = allColumns(lexicon).filter((c) => c.numeric && !c.temporal);
  for (const f of parsed.numberFilters ?? []) {
    const score = (c: ColumnInfo, words: string[]) => { const m = matchScore(words, c.phrases, c.descriptionWords); return m > 0 ? m + (c.table === base.identifier ? 0.05 : 0) : 0; };
    const after = best(numeric, (c) => score(c, f.after));
    const before = best(numeric, (c) => score(c, f.before));
    const hit = after && (!before || after.score >= before.score) ? after : before;
    const grouped = parsed.groupPhrases.length > 0 || !!parsed.grain;
    // "each shop that has at least 3 <rows of a table>": a condition on the group's row count
    if ((!after || after.score < 1) && grouped && f.after.length && f.op !== '=' && countedTable(lexicon, f.after)) {
      out.push({ op: f.op, value: f.value, aggregate: 'COUNT' });
      continue;
    }
    if (!hit || hit.score < 1 || (f.op === '=' && hit.item === measure)) continue;
    // "each shop whose average age is over 40": the aggregate word makes it a condition on the group
    const aggregate = hit === before && grouped ? AGGREGATE_WORDS[f.before[0]] : undefined;
    out.push({ column: hit.item, op: f.op, value: f.value, ...(aggregate ? { aggregate } : {}) });
  }
  return out;
}

const FLAG_VALUES: [string, string][] = [['T', 'F'], ['Y', 'N'], ['TRUE', 'FALSE'], ['YES', 'NO']];

/** A yes/no column named by a word of the question ("official" for is_official): the rows where it holds. */
function flagFilters(lexicon: Lexicon, tokens: string[], base: TableInfo, measure: ColumnInfo | undefined, counted: string | undefined): ValueFilter[] {
  const out: ValueFilter[] = [];
  for (const column of allColumns(lexicon)) {
    if (column === measure || column.name === counted) continue;
    const values = column.values.map((v) => v.toUpperCase());
    const pair = FLAG_VALUES.find(([yes, no]) => values.length === 2 && values.includes(yes) && values.includes(no));
    if (!pair) continue;
    const named = column.phrases.some((p) => p.words.some((w) => w.length >= 4 && !isGenericFlagWord(w) && tokens.includes(w)));
    if (!named) continue;
    const yes = column.values.find((v) => v.toUpperCase() === pair[0])!;
    out.push({ column, value: yes });
  }
  return out.filter((f) => f.column.table === base.identifier || lexicon.tables.length > 1);
}

function isGenericFlagWord(word: string): boolean {
  return word === 'flag' || word === 'true' || word === 'false';
}

function aliasTables(tables: string[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const table of tables) {
    const letter = shortName(table).charAt(0).toLowerCase() || 't';
    let alias = letter;
    for (let n = 2; [...aliases.values()].includes(alias); n++) alias = `${letter}${n}`;
    aliases.set(table, alias);
  }
  return aliases;
}

function describe(aggregation: Aggregation, what: string, dimensions: ColumnInfo[], parsed: ParsedQuestion): string {
  const by = dimensions.length || parsed.grain ? ` by ${[parsed.grain?.toLowerCase(), ...dimensions.map((d) => d.name)].filter(Boolean).join(', ')}` : '';
  return `${aggregation} of ${what}${by}`;
}

function resolveWithMetricView(parsed: ParsedQuestion, lexicon: Lexicon, rules: InstructionRules): Resolution | undefined {
  const columnScore = Math.max(0, ...allColumns(lexicon).filter((c) => c.numeric && !NON_MEASURE.test(c.name)).map((c) => matchScore(parsed.measurePhrase ?? [], c.phrases, c.descriptionWords)));
  let chosen: { view: MetricViewInfo; measure: string; score: number } | undefined;
  for (const view of lexicon.metricViews) {
    for (const measure of view.measures) {
      const score = matchScore(parsed.tokens, measure.phrases);
      if (score > columnScore && score >= 3 && (!chosen || score > chosen.score)) chosen = { view, measure: measure.name, score };
    }
  }
  if (!chosen) return undefined;
  const { view, measure } = chosen;
  const measureWords = view.measures.find((m) => m.name === measure)!.phrases.flatMap((p) => (indexOf(parsed.tokens, p.words) >= 0 ? p.words : []));
  const dims: string[] = [];
  // "average <measure> per <entity>": the "per" phrase belongs to the measure's own name, not to a grouping
  for (const phrase of parsed.groupPhrases.filter((p) => indexOf(measureWords, p) < 0)) {
    const hit = best(view.dimensions, (d) => matchScore(phrase, d.phrases, d.column?.descriptionWords));
    if (!hit) return { clarify: `The metric view ${view.definition.identifier} has no dimension for "${phrase.join(' ')}".` };
    if (!dims.includes(hit.item.name)) dims.push(hit.item.name);
  }
  const conditions: string[] = [];
  for (const dim of view.dimensions) {
    for (const value of dim.column?.values ?? []) {
      if (indexOf(parsed.tokens, stems(value)) >= 0) conditions.push(`${dim.name} = ${quoteSqlString(value)}`);
    }
  }
  let grainExpr: string | undefined;
  if (parsed.time || parsed.grain) {
    const dateDims = view.dimensions.filter((d) => d.column?.temporal);
    const date = best(dateDims, (d) => matchScore(parsed.tokens, d.phrases))?.item ?? dateDims[0];
    if (!date) return { clarify: `The metric view ${view.definition.identifier} has no date dimension.` };
    if (parsed.time) conditions.push(timeCondition(parsed.time, date.name, rules));
    if (parsed.grain) grainExpr = periodExpr(parsed.grain, date.name, rules);
  }
  const select = [...(grainExpr ? [`${grainExpr} AS ${parsed.grain!.toLowerCase()}`] : []), ...dims, `MEASURE(${measure}) AS ${measure}`];
  const lines = [`SELECT ${select.join(', ')}`, `FROM ${view.definition.identifier}`];
  if (conditions.length) lines.push(`WHERE ${conditions.join(' AND ')}`);
  if (select.length > 1) lines.push('GROUP BY ALL');
  if (parsed.limit && select.length > 1) lines.push(`ORDER BY ${measure} ${parsed.limit.direction}`, `LIMIT ${parsed.limit.n}`);
  else if (grainExpr) lines.push(`ORDER BY ${parsed.grain!.toLowerCase()}`);
  return { sql: lines.join('\n'), description: `${measure} from metric view ${view.definition.identifier}` };
}

/** "including", "included": the question takes some rows in with the others, it does not pick them out. */
const isIncluding = (word: string) => /^includ/.test(word);

/** A filter's words in the question restrict the rows, unless the question includes those rows with the others ("including the <words> ones"). */
function restrictsTo(tokens: string[], words: string[]): boolean {
  const at = indexOfPhrase(tokens, words);
  return at >= 0 && !tokens.slice(Math.max(0, at - 3), at).some(isIncluding);
}

/** The snippet's SQL reads this column. */
function readsColumn(snippet: SnippetInfo, column: string): boolean {
  return new RegExp(String.raw`\b${column}\b`, 'i').test(snippet.sql);
}

/** The single table one many-to-one join away that has a date column: the period of a row of `base` is its date. */
function datedNeighbour(lexicon: Lexicon, edges: JoinEdge[], base: TableInfo): TableInfo | undefined {
  const dated = lexicon.tables.filter((t) => t !== base && t.columns.some((c) => c.temporal) && joinPath(edges, base.identifier, t.identifier)?.length === 1);
  return dated.length === 1 ? dated[0] : undefined;
}

/**
 * Two tables joined by several keys (a row referring to another table in two roles): the question's words choose the
 * key ("<word> <noun>" whose key column starts with a short form of the word); with no such word, every edge stays.
 */
function edgesNamedBy(edges: JoinEdge[], tokens: string[]): JoinEdge[] {
  const pair = (e: JoinEdge) => [e.left, e.right].sort().join('|');
  const rivalsOf = (e: JoinEdge) => edges.filter((o) => o !== e && pair(o) === pair(e));
  // only the words of key columns that differ between the rivals can name one of them
  const named = (e: JoinEdge) => {
    const shared = new Set(rivalsOf(e).flatMap((o) => [o.leftColumn, o.rightColumn]).flatMap(identifierStems));
    return [e.leftColumn, e.rightColumn].flatMap(identifierStems).filter((w) => !shared.has(w)).some((w) => tokens.some((t) => t === w || abbreviates(w, t)));
  };
  return edges.filter((e) => {
    const rivals = rivalsOf(e);
    if (rivals.length === 0 || named(e)) return true;
    return !rivals.some(named);
  });
}

/**
 * "How many <role>s" where no table is named so: the one table with a key column that refers to another table in that
 * role, its first name word abbreviating the noun ("<abbr>_<other>"): each of its rows is one such <role>.
 */
function roleTable(lexicon: Lexicon, noun: string | undefined): TableInfo | undefined {
  if (!noun || noun.length < 5) return undefined;
  const holders = lexicon.tables.filter((t) => t.columns.slice(1).some((c) => {
    const [qualifier, ...rest] = identifierStems(c.name);
    return rest.length > 0 && abbreviates(qualifier, noun) && lexicon.tables.some((o) => o !== t && o.columns.some((k) => identifierStems(k.name)[0] === rest[0]));
  }));
  return holders.length === 1 ? holders[0] : undefined;
}

/** The part of a measure's total where the conditions hold, as a fraction of the whole total. */
function partOfTotalExpr(conditions: string[], column: string): string {
  return `SUM(CASE WHEN ${conditions.join(' AND ')} THEN ${column} ELSE 0 END) / SUM(${column})`;
}
