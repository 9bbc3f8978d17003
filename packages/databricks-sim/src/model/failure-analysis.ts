/**
 * Failure → general fixes, the way a careful analyst would: compare what the expected SQL does with what
 * the question's words could have told Genie, and write down the missing knowledge as metadata, rules,
 * snippets, join specs or metric views. Never an example made from a failing benchmark question: that copies the
 * test into the space.
 */
import { FIX_KINDS, type Fix, type Lever, type SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../catalog.types.ts';
import { parseInstructions, type InstructionRules } from '../genie/instructions.ts';
import { findTable, joinEdges } from '../genie/join-graph.ts';
import { buildLexicon, matchScore, type ColumnInfo, type Lexicon, type TableInfo } from '../genie/lexicon.ts';
import { periodChangeInstruction } from '../genie/period-change.ts';
import { parseQuestion, type ParsedQuestion } from '../genie/question.ts';
import { identifierStems, isParticiple, monthName, quoteSqlString, shortName, stem, stems, words as wordsOf } from '../genie/text-exports.ts';
import { conceptWords, spaceWords } from './concept-words.ts';
import { periodChangeOf } from './period-change-shape.ts';
import { aggregatesIn, caseConditionsIn, columnRef, parseSqlShape, stripQualifiers, type SqlShape } from './sql-shape.ts';

export interface Failure {
  question_id?: string;
  question: string;
  expected_sql: string;
  genie_sql?: string;
  genie_text?: string;
  reason_code?: string;
}

const DISTINCT_WORDS = new Set(['distinct', 'different', 'unique']);

/** The noun a count phrase counts: its last word that is not a participle ("languages used" → language). */
function countedNoun(phrase: string[]): string | undefined {
  const nouns = phrase.filter((w) => w.length >= 3 && !DISTINCT_WORDS.has(w) && !isParticiple(w) && !VERBISH.has(w));
  return nouns[nouns.length - 1];
}

const VERBISH = new Set(['paid', 'sold', 'placed', 'made', 'generated', 'ordered', 'bought', 'spent', 'earned']);
/** Words of the question grammar (aggregates, ranking, periods), never a name of something in the data. */
const QUESTION_WORDS = new Set(('total sum average avg mean maximum max minimum min number count top bottom highest lowest most least ' +
  'largest smallest biggest best worst distinct different unique year month quarter week day daily weekly monthly quarterly yearly annual ' +
  'january february march april may june july august september october november december last past previous since before after until').split(' '));

export class FailureAnalyst {
  private readonly lexicon: Lexicon;
  /** the space's instructions as the simulated Genie reads them */
  private readonly rules: InstructionRules;
  /** every join the space declares or implies */
  private readonly edges: ReturnType<typeof joinEdges>;
  /** words the space already explains (names, synonyms, values, snippets) */
  private readonly explained: Set<string>;
  /** every failure of the plan with its question's stems, read once */
  private readonly peerQuestions: { expected_sql: string; tokens: string[] }[];
  readonly fixes: Fix[] = [];
  private readonly metricViews = new Map<string, Extract<Fix, { kind: 'metric_view' }>>();

  /**
   * `peers`: every failure of the plan, so the words of the others tell which words of one question name a condition
   * only it applies
   */
  constructor(private readonly space: SerializedSpace, private readonly catalog: CatalogSnapshot, private readonly levers: readonly Lever[] = FIX_KINDS, peers: readonly Failure[] = []) {
    this.lexicon = buildLexicon(space, catalog);
    this.rules = parseInstructions(this.lexicon.textInstructions);
    this.edges = joinEdges(space, this.lexicon, this.rules.joins);
    this.explained = spaceWords(this.lexicon);
    this.peerQuestions = peers.map((p) => ({ expected_sql: p.expected_sql, tokens: parseQuestion(p.question).tokens }));
  }

  private allows(lever: Lever): boolean {
    return this.levers.includes(lever);
  }

  analyse(failure: Failure): void {
    const shape = parseSqlShape(failure.expected_sql);
    const parsed = parseQuestion(failure.question);
    const ratio = this.ratioMeasure(shape, parsed, failure.question);
    const kpi = !ratio && this.measureSnippet(shape, parsed);
    if (!ratio && !kpi) this.measureSynonym(shape, parsed);
    this.dimensionSynonyms(shape, parsed);
    this.defaultFilters(shape, parsed);
    this.filterSnippet(shape, parsed, failure);
    this.fiscalCalendar(shape, parsed);
    this.periodNumbers(shape, failure);
    this.periodChange(shape, parsed);
    this.sharesAsFractions(shape, failure);
    this.countedColumnSynonym(shape, parsed);
    this.dateSynonym(shape, failure);
    this.numberSynonyms(shape, parsed, failure.question);
    this.countRule(shape, parsed);
    this.countedEntity(shape, parsed);
    this.joinKeys(shape);
  }

  result(): Fix[] {
    return [...this.fixes, ...this.metricViews.values()];
  }

  private column(ref: { table?: string; column: string } | undefined, shape: SqlShape): ColumnInfo | undefined {
    if (!ref) return undefined;
    const tables = ref.table ? [ref.table] : [...new Set(shape.tables.values())];
    for (const identifier of tables) {
      const table = findTable(this.lexicon, identifier);
      const column = table?.columns.find((c) => c.name.toLowerCase() === ref.column.toLowerCase());
      if (column) return column;
    }
    return undefined;
  }

  private addSynonym(column: ColumnInfo, phrase: string[]): void {
    const entity = new Set(findTable(this.lexicon, column.table)?.entity ?? []);
    let words = phrase.filter((w) => !VERBISH.has(w));
    if (words.length > 1) words = words.filter((w) => !entity.has(w));
    if (words.length === 0 || matchScore(words, column.phrases) > 0) return;
    const synonym = words.join(' ');
    const existing = this.fixes.find((f) => f.kind === 'metadata' && f.table === column.table && f.column === column.name);
    if (existing && existing.kind === 'metadata') {
      if (!existing.synonyms?.includes(synonym)) existing.synonyms = [...(existing.synonyms ?? []), synonym];
      return;
    }
    this.fixes.push({ kind: 'metadata', table: column.table, column: column.name, synonyms: [synonym], rationale: `Users call ${column.name} "${synonym}", a word its name does not contain.` });
  }

  private measureSynonym(shape: SqlShape, parsed: ParsedQuestion): void {
    if (!parsed.measurePhrase?.length) return;
    // the aggregates of the expected SQL in order, paired with the question's measure phrases in order; when the
    // numbers differ the pairing is unknown and no synonym is claimed
    const items = shape.select.map((item) => aggregatesIn(item)).filter((aggs) => aggs.length === 1 && aggs[0].fn !== 'COUNT').map((aggs) => aggs[0]);
    const asked = [{ fn: parsed.aggregation, phrase: parsed.measurePhrase }, ...(parsed.extraMeasures ?? []).map((m) => ({ fn: m.aggregation as string | undefined, phrase: m.phrase }))];
    if (items.length !== asked.length) return;
    // pair by aggregate function when each is asked once ("average X and total Y" against SUM(y), AVG(x)), else by order
    const byFunction = new Set(items.map((a) => a.fn)).size === items.length && asked.every((a) => items.some((i) => i.fn === a.fn));
    asked.forEach((a, i) => {
      const item = byFunction ? items.find((x) => x.fn === a.fn)! : items[i];
      const column = this.column(columnRef(item.arg, shape), shape);
      if (column && !this.namesAnotherColumn(column, a.phrase)) this.addSynonym(column, a.phrase);
    });
  }

  /** The phrase already names another column by its own name: not a synonym to claim for this one. */
  private namesAnotherColumn(column: ColumnInfo, phrase: string[]): boolean {
    return this.lexicon.tables.some((t) => t.columns.some((c) => c !== column && matchScore(phrase, c.phrases) >= 2 && c.phrases.some((p) => p.weight >= 2 && p.words.every((w) => phrase.includes(w)))));
  }

  private dimensionSynonyms(shape: SqlShape, parsed: ParsedQuestion): void {
    const columns = shape.groupBy.map((g) => this.column(columnRef(g, shape), shape)).filter((c): c is ColumnInfo => !!c);
    if (columns.length !== parsed.groupPhrases.length) return;
    columns.forEach((column, i) => {
      const phrase = parsed.groupPhrases[i];
      const table = findTable(this.lexicon, column.table);
      // a bare entity ("top 5 <entities>") is answered with the table's label column
      if (table && phrase.every((w) => table.entity.includes(w))) return;
      this.addSynonym(column, phrase);
    });
  }

  private defaultFilters(shape: SqlShape, parsed: ParsedQuestion): void {
    for (const condition of shape.where) {
      const m = /^(?:(\w+)\.)?(\w+)\s*(?:<>|!=)\s*'([^']*)'$/.exec(condition.trim());
      if (!m) continue;
      const column = this.column({ table: m[1] ? shape.tables.get(m[1].toLowerCase()) : undefined, column: m[2] }, shape);
      const value = m[3];
      if (!column || stems(value).every((w) => parsed.tokens.includes(w))) continue;
      const known = this.rules.defaultFilters.some((f) => findTable(this.lexicon, f.table)?.identifier === column.table && f.column === column.name && f.value === value);
      const content = `Exclude rows where ${column.table}.${column.name} = ${quoteSqlString(value)} unless the question asks for them.`;
      if (!known) this.addInstruction(content, `Business rule: ${shortName(column.table)} with ${column.name} ${value} never count towards totals.`);
    }
  }

  private fiscalCalendar(shape: SqlShape, parsed: ParsedQuestion): void {
    if (parsed.time?.kind !== 'fiscal_year') return;
    const start = shape.where.map((w) => /^(?:\w+\.)?\w+\s*>=\s*DATE\s*'(\d{4})-(\d{2})-01'$/i.exec(w.trim())).find(Boolean);
    if (!start) return;
    const offset = Number(start[1]) - parsed.time.year;
    if (offset !== 0 && offset !== -1) return;
    const month = Number(start[2]);
    const endMonth = monthName(month === 1 ? 12 : month - 1);
    const content = `Fiscal year N runs from ${monthName(month)} 1 of year N${offset ? ' - 1' : ''} to the end of ${endMonth} of year N${offset ? '' : ' + 1'}.`;
    if (!this.rules.fiscal) this.addInstruction(content, 'The business reports on a fiscal calendar that is not the calendar year.');
  }

  private countRule(shape: SqlShape, parsed: ParsedQuestion): void {
    if (parsed.aggregation !== 'COUNT' || !parsed.countNoun?.length || !countedNoun(parsed.countNoun)) return;
    // "how many distinct X" already says it counts distinct values
    if (DISTINCT_WORDS.has(parsed.countNoun[0])) return;
    const distinct = shape.select.flatMap(aggregatesIn).find((a) => a.fn === 'COUNT' && /^distinct\s/i.test(a.arg));
    if (!distinct) return;
    const column = this.column(columnRef(distinct.arg.replace(/^distinct\s+/i, ''), shape), shape);
    if (!column) return;
    const noun = countedNoun(parsed.countNoun)!;
    const known = this.rules.countRules.some((r) => r.noun === noun);
    if (!known) this.addInstruction(`Count ${noun}s as COUNT(DISTINCT ${column.table}.${column.name}).`, `A ${noun} spans several rows of ${shortName(column.table)}.`);
  }

  /**
   * "How many <nouns>": the table that holds them must say what one row is. A grain claim needs proof from what
   * the prompt shows: the expected SQL counts the rows (COUNT(*)) of that one table, with no join that would
   * change what a row is; otherwise no description is written.
   */
  private countedEntity(shape: SqlShape, parsed: ParsedQuestion): void {
    const noun = parsed.countNoun ? countedNoun(parsed.countNoun) : undefined;
    const table = shape.base ? findTable(this.lexicon, shape.base) : undefined;
    if (parsed.aggregation !== 'COUNT' || !noun || !table) return;
    if (shape.joins.length > 0 || shape.tables.size > 2 || DISTINCT_WORDS.has(parsed.countNoun![0])) return;
    if (!shape.select.flatMap(aggregatesIn).some((a) => a.fn === 'COUNT' && a.arg.trim() === '*')) return;
    if (matchScore(parsed.countNoun!, table.phrases, table.descriptionWords) > 0) return;
    if (!this.grainFits(table, noun)) return;
    if (this.fixes.some((f) => f.kind === 'metadata' && f.table === table.identifier && f.column === undefined)) return;
    const description = `${table.description ? `${table.description.trim()} ` : ''}One row per ${this.compoundNoun(parsed.countNoun!, noun)}.`;
    this.fixes.push({ kind: 'metadata', table: table.identifier, description, rationale: `Users count ${noun}s; the table's name does not say it holds them.` });
  }

  /**
   * A grain claim must match the table's key: not when the noun names another table, nor a column of this table other
   * than its own key (the first column): then its rows refer to the noun's entity, they are not one per it.
   */
  private grainFits(table: TableInfo, noun: string): boolean {
    if (!table.entity.includes(noun) && this.lexicon.tables.some((t) => t !== table && t.entity.includes(noun))) return false;
    // the key itself named after the noun ("<noun>_id" first): one row per noun, whatever else is named after it
    if (table.columns[0] && identifierStems(table.columns[0].name).includes(noun)) return true;
    return !table.columns.slice(1).some((c) => identifierStems(c.name).includes(noun));
  }

  /** "work order" rather than "order" when another failed question uses the same two words: a compound noun. */
  private compoundNoun(phrase: string[], head: string): string {
    const at = phrase.lastIndexOf(head);
    const before = at > 0 ? phrase[at - 1] : undefined;
    if (!before || before.length < 3 || DISTINCT_WORDS.has(before) || isParticiple(before)) return head;
    const pair = `${before} ${head}`;
    const others = this.peerQuestions.filter((p) => ` ${p.tokens.join(' ')} `.includes(` ${pair} `));
    return others.length >= 2 ? pair : head;
  }

  /**
   * A join the expected SQL makes that the space does not know (keys with different names, or a key of several
   * columns): a join spec with every equality, when that lever is allowed; else the classic fallback, a
   * "Foreign key to" description of the first key column.
   */
  private joinKeys(shape: SqlShape): void {
    const edges = this.edges;
    for (const join of shape.joins) {
      const pairs = [join, ...(join.more ?? [])].map((p) => ({ left: this.column(p.left, shape), right: this.column(p.right, shape) }));
      if (pairs.some((p) => !p.left || !p.right)) continue;
      const resolved = pairs as { left: ColumnInfo; right: ColumnInfo }[];
      const { left, right } = resolved[0];
      const edgeColumns = (e: (typeof edges)[number]) => [{ l: e.leftColumn, r: e.rightColumn }, ...(e.more ?? []).map((m) => ({ l: m.leftColumn, r: m.rightColumn }))];
      const covers = (e: (typeof edges)[number]) => {
        const forward = e.left === left.table && e.right === right.table;
        const backward = e.right === left.table && e.left === right.table;
        if (!forward && !backward) return false;
        const cols = edgeColumns(e);
        return cols.length === resolved.length && resolved.every((p) => cols.some((c) => (forward ? c.l === p.left.name && c.r === p.right.name : c.r === p.left.name && c.l === p.right.name)));
      };
      if (edges.some(covers)) continue;
      // a key named after the other side's table refers to it ("OwnerCode" → the owner table); else the key
      // named after its own table is the primary key and the other side refers to it
      const entityOf = (c: ColumnInfo) => findTable(this.lexicon, c.table)?.entity ?? [];
      const namesTable = (c: ColumnInfo, other: ColumnInfo) => { const w = identifierStems(c.name); return entityOf(other).every((e) => w.includes(e)); };
      const ownsKey = (c: ColumnInfo) => identifierStems(c.name).some((w) => entityOf(c).includes(w));
      const [from, to] = namesTable(left, right) && !namesTable(right, left) ? [left, right]
        : namesTable(right, left) && !namesTable(left, right) ? [right, left]
        : ownsKey(right) || !ownsKey(left) ? [left, right] : [right, left];
      if (this.allows('join_spec')) {
        if (resolved.length === 1 && this.secondKey(from, to)) continue;
        this.joinSpec(from.table, to.table, resolved.map((p) => (p.left.table === from.table ? [p.left.name, p.right.name] : [p.right.name, p.left.name])));
        continue;
      }
      if (!this.allows('metadata') || from.description.includes(`Foreign key to ${to.table}.${to.name}`)) continue;
      if (this.fixes.some((f) => f.kind === 'metadata' && f.table === from.table && f.column === from.name && f.description)) continue;
      const description = `${from.description ? `${from.description.trim()} ` : ''}Foreign key to ${to.table}.${to.name}.`;
      this.fixes.push({ kind: 'metadata', table: from.table, column: from.name, description, rationale: `${shortName(from.table)} and ${shortName(to.table)} join on keys with different names.` });
    }
  }

  /**
   * A second key between two tables a join spec already joins (a row referring to the other table in another role): a
   * join spec per table pair would replace the first, so the second path is a text instruction.
   */
  private secondKey(from: ColumnInfo, to: ColumnInfo): boolean {
    const pair = [from.table, to.table].sort().join();
    const declared = (this.space.instructions?.join_specs ?? []).some((j) => [j.left.identifier, j.right.identifier].sort().join() === pair);
    if (!declared) return false;
    this.addInstruction(`Join ${from.table} to ${to.table} on ${from.table}.${from.name} = ${to.table}.${to.name} when the question names that role.`, `${shortName(from.table)} refers to ${shortName(to.table)} through a second key; the declared join covers only the first.`);
    return true;
  }

  private joinSpec(from: string, to: string, columns: string[][]): void {
    if (this.fixes.some((f) => f.kind === 'join_spec' && [f.left.table, f.right.table].sort().join() === [from, to].sort().join())) return;
    const leftAlias = shortName(from).charAt(0).toLowerCase() || 'l';
    const rightAlias = (shortName(to).charAt(0).toLowerCase() || 'r') === leftAlias ? `${leftAlias}2` : shortName(to).charAt(0).toLowerCase() || 'r';
    this.fixes.push({
      kind: 'join_spec',
      left: { table: from, alias: leftAlias },
      right: { table: to, alias: rightAlias },
      sql: columns.map(([l, r]) => `${leftAlias}.${l} = ${rightAlias}.${r}`).join(' AND '),
      relationship_type: 'MANY_TO_ONE',
      rationale: `${shortName(from)} refers to ${shortName(to)} through ${columns.length > 1 ? 'a key of several columns' : 'a key with another name'}; Genie cannot infer that join path.`,
    });
  }

  /**
   * A KPI asked by name whose expected aggregate is over an expression, not one column (`SUM(a - b)`): a measure
   * snippet named by the question's measure words, when that lever is allowed.
   */
  private measureSnippet(shape: SqlShape, parsed: ParsedQuestion): boolean {
    const phrase = (parsed.measurePhrase ?? []).filter((w) => !VERBISH.has(w));
    const items = shape.select.filter((item) => aggregatesIn(item).length === 1);
    if (phrase.length === 0 || items.length !== 1 || parsed.aggregation === 'COUNT' || !this.allows('sql_snippet')) return false;
    const [aggregate] = aggregatesIn(items[0]);
    if (aggregate.fn === 'COUNT' || columnRef(aggregate.arg, shape)) return false;
    const known = this.lexicon.snippets.some((m) => m.type === 'measure' && matchScore(phrase, m.phrases) >= 2);
    const alias = phrase.join('_').replace(/[^a-z0-9_]/g, '');
    if (known || !/^[a-z_]/.test(alias) || this.fixes.some((f) => f.kind === 'sql_snippet' && f.alias === alias)) return true;
    const name = phrase.join(' ');
    this.fixes.push({
      kind: 'sql_snippet', snippet_type: 'measure', alias, display_name: name.charAt(0).toUpperCase() + name.slice(1),
      sql: stripQualifiers(items[0], shape), synonyms: [name],
      instruction: `Use for "${name}"; never compute it from a single column.`,
      rationale: `"${name}" is a KPI computed from several columns; a defined measure keeps every question about it consistent.`,
    });
    return true;
  }

  /**
   * A condition of the expected SQL that the question does not spell out (no value, number or period of it is in
   * the words) but names with a word nothing else in the space explains ("express"): a filter snippet with that
   * word as synonym, when that lever is allowed. Exclusions (`<>`) stay text instructions.
   */
  private filterSnippet(shape: SqlShape, parsed: ParsedQuestion, failure: Failure): void {
    if (!this.allows('sql_snippet')) return;
    const genie = failure.genie_sql ? parseSqlShape(failure.genie_sql).where.map((w) => stripQualifiers(w, parseSqlShape(failure.genie_sql!)).toLowerCase().replace(/\s+/g, ' ')) : [];
    // the conditions it filters by, and those a share or rate counts ("AVG(CASE WHEN <condition> THEN 1 ...)")
    const caseConditions = caseConditionsIn(shape);
    for (const condition of [...shape.where, ...caseConditions]) {
      const plain = stripQualifiers(condition.trim(), shape);
      if (genie.includes(plain.toLowerCase().replace(/\s+/g, ' '))) continue;
      if (/^(?:\w+\.)?\w+\s*(?:<>|!=)\s*'[^']*'$/.test(plain)) continue; // an exclusion rule
      if (/\b(?:year|month|quarter|date_trunc|current_date|date)\b/i.test(plain) || /\b(19|20)\d\d\b/.test(plain)) continue; // a period
      const literals = [...plain.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]);
      const numbers = [...plain.replace(/'(?:[^']|'')*'/g, '').matchAll(/\b\d+(?:\.\d+)?\b/g)].map((m) => m[0]);
      if (literals.some((v) => stems(v).length > 0 && stems(v).every((w) => parsed.tokens.includes(w)))) continue; // a value the question says
      if (numbers.some((n) => parsed.tokens.includes(n))) continue; // a number the question says
      const table = shape.base ? findTable(this.lexicon, shape.base) : undefined;
      const columns = [...plain.replace(/'(?:[^']|'')*'/g, '').matchAll(/\b([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1].toLowerCase());
      const owner = [table, ...this.lexicon.tables].find((t) => t && columns.some((c) => t.columns.some((col) => col.name.toLowerCase() === c)));
      // a condition on a column the question names is a value or flag Genie reads itself, not a hidden definition
      const named = owner?.columns.some((col) => columns.includes(col.name.toLowerCase()) && identifierStems(col.name).some((w) => w.length > 3 && parsed.tokens.includes(w)));
      const words = named ? [] : conceptWords(failure.question, parsed, this.explained, this.contrast(plain), QUESTION_WORDS, caseConditions.includes(condition));
      if (!owner || words.length === 0 || words.length > 3) continue;
      const name = words.join(' ');
      const alias = words.join('_');
      if (this.lexicon.snippets.some((x) => x.type === 'filter' && x.phrases.some((p) => p.words.join(' ') === name))) continue;
      if (this.fixes.some((f) => f.kind === 'sql_snippet' && (f.alias === alias || f.sql === plain))) continue;
      this.fixes.push({
        kind: 'sql_snippet', snippet_type: 'filter', alias, display_name: name.charAt(0).toUpperCase() + name.slice(1), sql: plain, synonyms: [name],
        instruction: `Apply whenever a question says "${name}".`,
        rationale: `Users say "${name}" for a condition on ${shortName(owner.identifier)} that no column name or value spells out.`,
      });
    }
  }

  /** Words of the other failed questions whose expected SQL does not apply `condition`: none of them names it. */
  private contrast(condition: string): Set<string> {
    const key = (sql: string) => sql.toLowerCase().replace(/\b[a-z_]\w*\./g, '').replace(/\s+/g, '');
    const out = new Set<string>();
    for (const peer of this.peerQuestions) {
      if (!key(peer.expected_sql).includes(key(condition))) peer.tokens.forEach((w) => out.add(w));
    }
    return out;
  }

  /**
   * "How many <X> were <verb>ed" answered with SUM(<column>): the count noun is what the column measures; a synonym
   * says so (the simulated Genie reads a count of what a column measures as its total).
   */
  private countedColumnSynonym(shape: SqlShape, parsed: ParsedQuestion): void {
    if (parsed.aggregation !== 'COUNT' || parsed.share || !parsed.countNoun?.length) return;
    const aggregates = shape.select.flatMap(aggregatesIn);
    if (aggregates.length !== 1 || aggregates[0].fn !== 'SUM') return;
    const column = this.column(columnRef(aggregates[0].arg, shape), shape);
    const noun = parsed.countNoun.filter((w) => !DISTINCT_WORDS.has(w));
    if (!column || !column.numeric || noun.length === 0) return;
    this.addSynonym(column, noun);
    // the head noun alone ("<b>" of "<a> <b>") when nothing else is called so
    const head = noun[noun.length - 1];
    if (noun.length > 1 && !this.lexicon.tables.some((t) => t.entity.includes(head) || t.columns.some((c) => c !== column && c.phrases.some((p) => p.words.includes(head))))) this.addSynonym(column, [head]);
  }

  /**
   * The period of the expected SQL is on another date column than Genie's ("<verb>ed in <year>" on that column, Genie used
   * the table's first date): the question's participle names that date column.
   */
  private dateSynonym(shape: SqlShape, failure: Failure): void {
    if (!failure.genie_sql) return;
    const dated = shape.where.map((w) => /^(?:year|month|quarter)\(\s*(?:(\w+)\.)?(\w+)\s*\)|^(?:(\w+)\.)?(\w+)\s*>=\s*DATE\b/i.exec(w.trim())).find(Boolean);
    if (!dated) return;
    const column = this.column({ table: (dated[1] ?? dated[3]) ? shape.tables.get((dated[1] ?? dated[3]).toLowerCase()) : undefined, column: dated[2] ?? dated[4] }, shape);
    if (!column?.temporal || new RegExp(String.raw`\b${column.name}\b`, 'i').test(failure.genie_sql)) return;
    const participle = wordsOf(failure.question).find((w) => isParticiple(w) && w.length > 4 && !QUESTION_WORDS.has(w));
    if (participle && matchScore([participle], column.phrases) === 0) this.addSynonym(column, [participle]);
  }

  /** "were <word> 1" for `<column> = 1`: the word in front of a number the question states names the compared column. */
  private numberSynonyms(shape: SqlShape, parsed: ParsedQuestion, question: string): void {
    const raw = wordsOf(question);
    const conditions = [...shape.where, ...caseConditionsIn(shape)];
    for (const condition of conditions) {
      const m = /^\(?\s*(?:(\w+)\.)?(\w+)\s*(=|>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*\)?$/.exec(condition.trim());
      if (!m || parsed.years.includes(Number(m[4]))) continue;
      const at = raw.indexOf(m[4]);
      const word = at > 0 ? raw[at - 1] : undefined;
      if (!word || word.length < 3 || QUESTION_WORDS.has(word) || /^(than|over|under|above|below|least|most|with|of|top|bottom)$/.test(word)) continue;
      const column = this.column({ table: m[1] ? shape.tables.get(m[1].toLowerCase()) : undefined, column: m[2] }, shape);
      if (column && column.numeric && matchScore([stem(word)], column.phrases, column.descriptionWords) === 0) this.addSynonym(column, [stem(word)]);
    }
  }

  /**
   * The expected SQL groups by a period's number (`month(d)`) where Genie grouped by the period's first day
   * (`date_trunc('MONTH', d)`): the business reads periods as numbers; an instruction says so.
   */
  private periodNumbers(shape: SqlShape, failure: Failure): void {
    if (!failure.genie_sql) return;
    for (const group of shape.groupBy) {
      const m = /^(year|quarter|month)\s*\(/i.exec(group.trim());
      if (!m) continue;
      const period = m[1].toLowerCase();
      if (!new RegExp(String.raw`date_trunc\(\s*'${period}'`, 'i').test(failure.genie_sql)) continue;
      const known = this.rules.periodNumbers.includes(period.toUpperCase() as 'MONTH');
      if (!known) this.addInstruction(`Group by ${period} as the ${period} number, ${period}(<date>), not the first day of the ${period}.`, `Reports here show each ${period} as its number, not as a date.`);
    }
  }

  /** A question comparing two years: an instruction says how the change between them is measured, for any measure. */
  private periodChange(shape: SqlShape, parsed: ParsedQuestion): void {
    if (!parsed.comparison || shape.select.length !== 1 || !this.allows('text_instruction')) return;
    const change = periodChangeOf(shape.select[0]);
    if (!change || this.rules.periodChange === change) return;
    this.addInstruction(periodChangeInstruction(change), `Growth between two years is measured here as a ${change === 'ratio' ? 'ratio' : `${change} change`}; the space did not say so.`);
  }

  /** Genie scaled a share to 100 where the expected SQL keeps the fraction: the business reads percentages as fractions. */
  private sharesAsFractions(shape: SqlShape, failure: Failure): void {
    const scaled = /\b100(?:\.0*)?\s*\*\s*AVG\s*\(\s*CASE\b/i;
    if (!failure.genie_sql || !scaled.test(failure.genie_sql)) return;
    if (!shape.select.some((item) => /^\s*AVG\s*\(\s*CASE\b/i.test(item)) || shape.select.some((item) => scaled.test(item))) return;
    if (this.rules.sharesAsFractions) return;
    this.addInstruction('Give shares and percentages as fractions between 0 and 1, not multiplied by 100.', 'Reports here show a percentage as a fraction of 1.');
  }

  private ratioMeasure(shape: SqlShape, parsed: ParsedQuestion, question: string): boolean {
    const item = shape.select.find((s) => aggregatesIn(s).length >= 2 && !/\bcase\b/i.test(s));
    if (!item || !shape.base) return false;
    const phrase = /\b(average|avg|mean|total|share of|rate of|ratio of)\s+([a-z ]+?(?:\s+per\s+[a-z]+)?)(?=\s+(?:by|in|per|for|from|during|across|of)\b|\?|$)/i.exec(question.toLowerCase());
    const name = phrase ? `${phrase[1]} ${phrase[2]}` : parsed.measurePhrase?.join(' ');
    if (!name) return false;
    const base = findTable(this.lexicon, shape.base);
    if (!base) return false;
    const identifier = `${base.identifier.split('.').slice(0, 2).join('.')}.${shortName(base.identifier)}_metrics`;
    const measureName = name.trim().replace(/\s+/g, '_').replace(/[^a-z0-9_]/g, '');
    const existing = this.catalog.metricViews.find((v) => v.identifier === identifier);
    if (existing?.measures.some((m) => m.name === measureName)) return true;
    const view: Extract<Fix, { kind: 'metric_view' }> = this.metricViews.get(identifier) ?? {
      kind: 'metric_view' as const,
      identifier,
      source: base.identifier,
      filter: this.viewFilter(shape, parsed),
      dimensions: base.columns.filter((c) => !c.numeric || c.temporal).map((c) => ({ name: c.name, expr: c.name })),
      measures: [],
      rationale: `Ratios over ${shortName(base.identifier)} need a defined measure; Genie should not improvise them.`,
    };
    if (!view.measures.some((m) => m.name === measureName)) {
      view.measures.push({ name: measureName, expr: stripQualifiers(item, shape), synonyms: [name.trim()], comment: `${name.trim()} of ${shortName(base.identifier)}` });
    }
    this.metricViews.set(identifier, view);
    return true;
  }

  private viewFilter(shape: SqlShape, parsed: ParsedQuestion): string | undefined {
    const rules = shape.where.filter((w) => {
      const m = /^(?:\w+\.)?\w+\s*(?:<>|!=)\s*'([^']*)'$/.exec(w.trim());
      return m && !stems(m[1]).every((s) => parsed.tokens.includes(s));
    });
    return rules.length ? rules.map((r) => stripQualifiers(r, shape)).join(' AND ') : undefined;
  }

  private addInstruction(content: string, rationale: string): void {
    if (!this.fixes.some((f) => f.kind === 'text_instruction' && f.content === content)) this.fixes.push({ kind: 'text_instruction', content, rationale });
  }
}
