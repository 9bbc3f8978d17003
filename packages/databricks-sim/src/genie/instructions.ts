/**
 * The small controlled language of text instructions that the simulated Genie follows (and the simulated
 * planner writes). Sentences it cannot parse are ignored, as a real model may ignore vague guidance.
 *
 *   Exclude rows where <table>.<column> = '<value>' [unless ...].        → default filter on that table
 *   Count <noun> as COUNT(DISTINCT <table>.<column>).                   → how "how many <noun>" is counted
 *   Fiscal year N runs from <Month> 1 of year N[-1] to ... .            → fiscal calendar
 *   Join <table> to <table> on <table>.<col> = <table>.<col>.           → a join path
 *   Group by month as the month number, ... .                            → periods as numbers (also year, quarter)
 *   Growth or change from one year to another is the relative change: ... → how two periods compare (period-change.ts)
 * Column descriptions may also declare joins: "Foreign key to <table>.<column>." / "References <table>.<column>."
 */
import { periodChangeRule, type PeriodChange } from './period-change.ts';
import { stem, words } from './text.ts';

export interface DefaultFilter { table: string; column: string; value: string }
export interface CountRule { noun: string; table: string; column: string }
export interface FiscalCalendar { startMonth: number; yearOffset: number }
export interface JoinEdge {
  left: string; leftColumn: string; right: string; rightColumn: string;
  /** further column pairs of a composite key (a join spec's ANDed equalities), oriented like the first */
  more?: { leftColumn: string; rightColumn: string }[];
}

export interface InstructionRules {
  defaultFilters: DefaultFilter[];
  countRules: CountRule[];
  fiscal?: FiscalCalendar;
  joins: JoinEdge[];
  /** periods grouped by their number (month(d) = 1..12) instead of their first day */
  periodNumbers: ('YEAR' | 'QUARTER' | 'MONTH')[];
  /** how a change between two years is measured */
  periodChange?: PeriodChange;
  /** "give shares and percentages as fractions": a percentage asked for is still a fraction between 0 and 1 */
  sharesAsFractions?: boolean;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const NAME = String.raw`[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*){0,3}`;

/** Splits a table-qualified column `a.b.c.col` into table `a.b.c` and column `col`. */
export function splitQualified(qualified: string): { table: string; column: string } {
  const parts = qualified.split('.');
  return { table: parts.slice(0, -1).join('.').toLowerCase(), column: parts[parts.length - 1] };
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

export function parseInstructions(texts: readonly string[]): InstructionRules {
  const rules: InstructionRules = { defaultFilters: [], countRules: [], joins: [], periodNumbers: [] };
  for (const sentence of texts.flatMap(sentences)) {
    let m = new RegExp(String.raw`^(?:always\s+)?exclude\s+rows\s+where\s+(${NAME})\s*=\s*'([^']*)'`, 'i').exec(sentence);
    if (m) {
      const { table, column } = splitQualified(m[1]);
      if (table) rules.defaultFilters.push({ table, column, value: m[2] });
      continue;
    }
    m = new RegExp(String.raw`^count\s+([a-z ]+?)\s+as\s+count\s*\(\s*distinct\s+(${NAME})\s*\)`, 'i').exec(sentence);
    if (m) {
      const { table, column } = splitQualified(m[2]);
      const nounWords = words(m[1]);
      if (table && nounWords.length > 0) rules.countRules.push({ noun: stem(nounWords[nounWords.length - 1]), table, column });
      continue;
    }
    m = /^fiscal\s+year\s+n\s+(?:runs|starts|begins)\s+(?:from|on)\s+([a-z]+)\s+1(?:st)?\s+of\s+(?:calendar\s+)?year\s+n\s*(-\s*1)?/i.exec(sentence);
    if (m && MONTHS.includes(m[1].toLowerCase())) {
      rules.fiscal = { startMonth: MONTHS.indexOf(m[1].toLowerCase()) + 1, yearOffset: m[2] ? -1 : 0 };
      continue;
    }
    m = /^group\s+by\s+(year|quarter|month)s?\s+as\s+the\s+(year|quarter|month)\s+number/i.exec(sentence);
    if (m && m[1].toLowerCase() === m[2].toLowerCase()) {
      rules.periodNumbers.push(m[1].toUpperCase() as InstructionRules['periodNumbers'][number]);
      continue;
    }
    const change = periodChangeRule(sentence);
    if (change) {
      rules.periodChange = change;
      continue;
    }
    if (/^(?:give|express|return|show)\s+(?:shares\s+and\s+percentages|percentages|shares)\s+as\s+(?:a\s+)?fractions?\b/i.test(sentence)) {
      rules.sharesAsFractions = true;
      continue;
    }
    m = new RegExp(String.raw`^join\s+${NAME}\s+(?:to|with)\s+${NAME}\s+on\s+(${NAME})\s*=\s*(${NAME})`, 'i').exec(sentence);
    if (m) rules.joins.push(joinEdge(m[1], m[2]));
  }
  return rules;
}

function joinEdge(leftQualified: string, rightQualified: string): JoinEdge {
  const left = splitQualified(leftQualified);
  const right = splitQualified(rightQualified);
  return { left: left.table, leftColumn: left.column, right: right.table, rightColumn: right.column };
}

/** A join declared in a column description ("Foreign key to main.shop.clients.client_id."). */
export function joinFromDescription(table: string, column: string, description: string): JoinEdge | undefined {
  const m = new RegExp(String.raw`(?:foreign\s+key\s+(?:to|of)|references|refers\s+to|joins?\s+(?:to|with))\s+(${NAME}\.[A-Za-z_]\w*)`, 'i').exec(description);
  if (!m) return undefined;
  const target = splitQualified(m[1]);
  return { left: table, leftColumn: column, right: target.table, rightColumn: target.column };
}

export function monthName(month: number): string {
  const name = MONTHS[month - 1];
  return name.charAt(0).toUpperCase() + name.slice(1);
}
