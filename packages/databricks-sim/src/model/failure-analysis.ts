/**
 * Failure → general fixes, the way a careful analyst would: compare what the expected SQL does with what
 * the question's words could have told Genie, and write down the missing knowledge as metadata, rules,
 * metric views or (for shapes Genie cannot build) an example for a different value of the same shape.
 */
import type { Fix, SerializedSpace } from '@genie-enhancer/shared';
import type { CatalogSnapshot } from '../catalog.types.ts';
import { parseInstructions } from '../genie/instructions.ts';
import { findTable, joinEdges } from '../genie/join-graph.ts';
import { buildLexicon, matchScore, type ColumnInfo, type Lexicon } from '../genie/lexicon.ts';
import { parseQuestion, type ParsedQuestion } from '../genie/question.ts';
import { identifierStems, monthName, quoteSqlString, shortName, stems } from '../genie/text-exports.ts';
import { aggregatesIn, columnRef, parseSqlShape, stripQualifiers, type SqlShape } from './sql-shape.ts';

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
  const nouns = phrase.filter((w) => w.length >= 3 && !DISTINCT_WORDS.has(w) && !/(?:ed|en)$/.test(w) && !VERBISH.has(w));
  return nouns[nouns.length - 1];
}

const VERBISH = new Set(['paid', 'sold', 'placed', 'made', 'generated', 'ordered', 'bought', 'spent', 'earned']);

export class FailureAnalyst {
  private readonly lexicon: Lexicon;
  readonly fixes: Fix[] = [];
  private readonly metricViews = new Map<string, Extract<Fix, { kind: 'metric_view' }>>();
  /** causes found for the failure being analysed, including ones an earlier failure already fixed */
  private causes = 0;

  constructor(private readonly space: SerializedSpace, private readonly catalog: CatalogSnapshot) {
    this.lexicon = buildLexicon(space, catalog);
  }

  analyse(failure: Failure): void {
    const shape = parseSqlShape(failure.expected_sql);
    const parsed = parseQuestion(failure.question);
    this.causes = 0;
    const ratio = this.ratioMeasure(shape, parsed, failure.question);
    if (!ratio) this.measureSynonym(shape, parsed);
    this.dimensionSynonyms(shape, parsed);
    this.defaultFilters(shape, parsed);
    this.fiscalCalendar(shape, parsed);
    this.countRule(shape, parsed);
    this.countedEntity(shape, parsed);
    this.joinKeys(shape);
    // only a failure no missing knowledge explains gets a worked example (for other values)
    if (this.causes === 0 && failure.genie_text && parsed.years.length > 0) this.shapeExample(failure, parsed);
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
    this.causes++;
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
    const rules = parseInstructions(this.lexicon.textInstructions);
    for (const condition of shape.where) {
      const m = /^(?:(\w+)\.)?(\w+)\s*(?:<>|!=)\s*'([^']*)'$/.exec(condition.trim());
      if (!m) continue;
      const column = this.column({ table: m[1] ? shape.tables.get(m[1].toLowerCase()) : undefined, column: m[2] }, shape);
      const value = m[3];
      if (!column || stems(value).every((w) => parsed.tokens.includes(w))) continue;
      const known = rules.defaultFilters.some((f) => findTable(this.lexicon, f.table)?.identifier === column.table && f.column === column.name && f.value === value);
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
    if (!parseInstructions(this.lexicon.textInstructions).fiscal) this.addInstruction(content, 'The business reports on a fiscal calendar that is not the calendar year.');
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
    const known = parseInstructions(this.lexicon.textInstructions).countRules.some((r) => r.noun === noun);
    if (!known) this.addInstruction(`Count ${noun}s as COUNT(DISTINCT ${column.table}.${column.name}).`, `A ${noun} spans several rows of ${shortName(column.table)}.`);
  }

  /**
   * "How many tickets": the table that holds them must say what one row is. A grain claim needs proof from what
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
    this.causes++;
    if (this.fixes.some((f) => f.kind === 'metadata' && f.table === table.identifier && f.column === undefined)) return;
    const description = `${table.description ? `${table.description.trim()} ` : ''}One row per ${noun}.`;
    this.fixes.push({ kind: 'metadata', table: table.identifier, description, rationale: `Users count ${noun}s; the table's name does not say it holds them.` });
  }

  private joinKeys(shape: SqlShape): void {
    const edges = joinEdges(this.space, this.lexicon, parseInstructions(this.lexicon.textInstructions).joins);
    for (const join of shape.joins) {
      const left = this.column(join.left, shape);
      const right = this.column(join.right, shape);
      if (!left || !right || left.name.toLowerCase() === right.name.toLowerCase()) continue;
      const known = edges.some((e) => (e.left === left.table && e.leftColumn === left.name) || (e.right === left.table && e.rightColumn === left.name));
      if (known) continue;
      this.causes++;
      // a key named after the other side's table refers to it ("OwnerCode" → the owner table); else the key
      // named after its own table is the primary key and the other side refers to it
      const entityOf = (c: ColumnInfo) => findTable(this.lexicon, c.table)?.entity ?? [];
      const namesTable = (c: ColumnInfo, other: ColumnInfo) => { const w = identifierStems(c.name); return entityOf(other).every((e) => w.includes(e)); };
      const ownsKey = (c: ColumnInfo) => identifierStems(c.name).some((w) => entityOf(c).includes(w));
      const [from, to] = namesTable(left, right) && !namesTable(right, left) ? [left, right]
        : namesTable(right, left) && !namesTable(left, right) ? [right, left]
        : ownsKey(right) || !ownsKey(left) ? [left, right] : [right, left];
      if (this.fixes.some((f) => f.kind === 'metadata' && f.table === from.table && f.column === from.name && f.description)) continue;
      const description = `${from.description ? `${from.description.trim()} ` : ''}Foreign key to ${to.table}.${to.name}.`;
      this.fixes.push({ kind: 'metadata', table: from.table, column: from.name, description, rationale: `${shortName(from.table)} and ${shortName(to.table)} join on keys with different names.` });
    }
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
    this.causes++;
    return true;
  }

  private viewFilter(shape: SqlShape, parsed: ParsedQuestion): string | undefined {
    const rules = shape.where.filter((w) => {
      const m = /^(?:\w+\.)?\w+\s*(?:<>|!=)\s*'([^']*)'$/.exec(w.trim());
      return m && !stems(m[1]).every((s) => parsed.tokens.includes(s));
    });
    return rules.length ? rules.map((r) => stripQualifiers(r, shape)).join(' AND ') : undefined;
  }

  /** An example for a different value of the same shape: every year in the question moved one year back. */
  private shapeExample(failure: Failure, parsed: ParsedQuestion): void {
    const shift = (text: string) => text.replace(/\b(19|20)\d\d\b/g, (y) => String(Number(y) - 1));
    const question = shift(failure.question);
    if (this.fixes.some((f) => f.kind === 'example_sql' && f.question === question)) return;
    this.fixes.push({
      kind: 'example_sql',
      question,
      sql: shift(failure.expected_sql),
      usage_guidance: `Shape for questions like "${question}" with other ${parsed.years.length > 1 ? 'periods' : 'values'}.`,
      rationale: 'Genie cannot build this question shape from metadata alone; a worked example for other values teaches it.',
    });
  }

  private addInstruction(content: string, rationale: string): void {
    this.causes++;
    if (!this.fixes.some((f) => f.kind === 'text_instruction' && f.content === content)) this.fixes.push({ kind: 'text_instruction', content, rationale });
  }
}
