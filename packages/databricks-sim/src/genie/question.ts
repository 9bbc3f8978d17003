/**
 * Question → slots, by small keyword rules, independent of any space. The simulated planner model uses the
 * same parse to learn which words of a failed question named the measure or the dimension.
 */
import { COPULAS, isParticiple, stem, stems, words } from './text.ts';

export type Aggregation = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export type Grain = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

export type TimeFilter =
  | { kind: 'year'; year: number }
  | { kind: 'before_year'; year: number }
  | { kind: 'after_year'; year: number }
  | { kind: 'fiscal_year'; year: number }
  | { kind: 'quarter'; year: number; quarter: number }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'last_days'; days: number }
  | { kind: 'last_month' }
  | { kind: 'this_year' }
  | { kind: 'last_year' };

export interface ParsedQuestion {
  /** stemmed word tokens of the whole question */
  tokens: string[];
  /** the question's words as written (case kept) */
  written?: string[];
  aggregation?: Aggregation;
  /** stems naming what is counted, after "how many" / "number of" */
  countNoun?: string[];
  measurePhrase?: string[];
  groupPhrases: string[][];
  /** columns the question lists to be shown ("list the A, B and the C"): each a phrase of stems */
  listedPhrases?: string[][];
  /** group phrases read after "per" right behind the measure ("kilometres per litre"): maybe part of a rate, not a grouping */
  ratePhrases?: string[][];
  grain?: Grain;
  time?: TimeFilter;
  /** top-N, or 1 for "which X has the highest Y" */
  limit?: { n: number; direction: 'DESC' | 'ASC' };
  /** the question compares periods or asks for growth: a shape the generic rules do not build */
  comparison: boolean;
  years: number[];
  /** further aggregates asked in the same question: "total X and maximum Y" */
  extraMeasures: { aggregation: Aggregation; phrase: string[] }[];
  /** numeric comparisons: "more than <n> <words>", "<words> greater than <n>", "with <n> <words>" */
  numberFilters: NumberFilter[];
  /** "with <n> <words> or <verb>ed before <year>": the compared numbers are alternatives */
  numbersEitherOr?: boolean;
  /** "what share of <subject> were <concept>": the fraction of the subject's rows where the concept holds */
  share?: { subject: string[]; concept: string[]; percent: boolean };
  /** "share of <measure> that came from <condition>": the part of the measure's total where the condition holds */
  shareOfTotal?: { concept: string[] };
}

export interface NumberFilter { op: '>' | '>=' | '<' | '<=' | '='; value: number; before: string[]; after: string[] }

const COMPARATORS: [RegExp, NumberFilter['op']][] = [
  [/^(?:more|greater|bigger|larger|higher|longer|older) than$|^over$|^above$|^exceeding$/, '>'],
  [/^(?:less|fewer|smaller|lower|shorter|younger) than$|^under$|^below$/, '<'],
  [/^at least$|^no less than$/, '>='],
  [/^at most$|^no more than$/, '<='],
];


const BOUNDARY = new Set('of by per in for from during with across between to over on at since before after where that who whose which are were is was has have had do does did there than and or'.split(' '));
const GRAINS: Record<string, Grain> = { day: 'DAY', daily: 'DAY', week: 'WEEK', weekly: 'WEEK', month: 'MONTH', monthly: 'MONTH', quarter: 'QUARTER', quarterly: 'QUARTER', year: 'YEAR', yearly: 'YEAR', annual: 'YEAR' };
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINAL_QUARTER: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, q1: 1, q2: 2, q3: 3, q4: 4 };
const VERBS = new Set('has have had is was are were did does do sold made generated placed bought ordered'.split(' '));

/** "our <noun>" names the <noun>: a possessive pronoun is no part of a name */
const POSSESSIVES = new Set(['our', 'my', 'your', 'their']);

function phraseAfter(raw: string[], start: number, stopAtVerbs = false): string[] {
  const out: string[] = [];
  for (let i = start; i < raw.length; i++) {
    const w = raw[i];
    // "each <owner>'s <nouns>": the possessive ends the owner's phrase
    if (BOUNDARY.has(w) || /^\d+$/.test(w) || (stopAtVerbs && VERBS.has(w)) || (w === 's' && i > start)) break;
    if (w === 'the' || w === 'a' || w === 'an' || w === 'each' || w === 'every' || POSSESSIVES.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

export function parseQuestion(question: string): ParsedQuestion {
  const raw = words(question);
  const text = raw.join(' ');
  const parsed: ParsedQuestion = { tokens: raw.map(stem), written: question.match(/[A-Za-z0-9]+/g) ?? [], groupPhrases: [], comparison: false, years: [], extraMeasures: [], numberFilters: [] };
  parsed.years = raw.filter((w) => /^(19|20)\d\d$/.test(w)).map(Number);
  parsed.comparison = /\b(growth|grow|change|increase|decrease|compare|compared|versus|vs)\b/.test(text) && parsed.years.length >= 2;

  const at = (phrase: string) => {
    const i = text.indexOf(phrase);
    return i < 0 ? -1 : text.slice(0, i).split(' ').filter(Boolean).length;
  };

  // top-N / bottom-N: "top 5 <entities> by <measure>"
  const top = /\b(top|bottom|lowest|highest|best|worst)\s+(\d+)\b/.exec(text);
  if (top) {
    const idx = at(top[0]) + 2;
    parsed.limit = { n: Number(top[2]), direction: /bottom|lowest|worst/.test(top[1]) ? 'ASC' : 'DESC' };
    const group = phraseAfter(raw, idx);
    if (group.length) parsed.groupPhrases.push(group);
    const by = raw.indexOf('by', idx);
    if (by >= 0) parsed.measurePhrase = phraseAfter(raw, by + 1);
  }

  // "which X has the highest Y", also "the X that has the highest Y"
  const relative = raw.findIndex((w, i) => (w === 'that' || w === 'who') && i > 0 && !BOUNDARY.has(raw[i - 1]) && raw.slice(i + 1, i + 4).some((x, k) => SUPERLATIVE.test(x) && raw[i + k] !== 'at'));
  const which = raw.includes('which') ? raw.indexOf('which') : relative;
  let groupStart = which + (raw[which + 1] === 'of' ? 2 : 1);
  if (which === relative && relative > 0) {
    groupStart = relative;
    while (groupStart > 0 && !BOUNDARY.has(raw[groupStart - 1]) && raw[groupStart - 1] !== 'the') groupStart--;
  }
  // "which 3 <X> had the most <Y>": a number after "which" is a top-N
  if (which >= 0 && /^\d+$/.test(raw[groupStart] ?? '') && !parsed.years.includes(Number(raw[groupStart]))) {
    const n = Number(raw[groupStart]);
    groupStart++;
    if (raw.some((w, i) => i > groupStart && SUPERLATIVE.test(w))) parsed.limit = { n, direction: 'DESC' };
  }
  if (which >= 0 && (!parsed.limit || raw[groupStart - 1] === String(parsed.limit.n))) {
    const group = phraseAfter(raw, groupStart, true);
    if (group.length) parsed.groupPhrases.push(group);
    // "at least 3" / "at most 3" compare; they do not rank
    const sup = raw.findIndex((w, i) => i > which && raw[i - 1] !== 'at' && /^(highest|most|largest|biggest|best|lowest|least|smallest|fewest|worst)$/.test(w));
    if (sup >= 0) {
      parsed.limit = { n: parsed.limit?.n ?? 1, direction: /lowest|least|smallest|fewest|worst/.test(raw[sup]) ? 'ASC' : 'DESC' };
      const measure = phraseAfter(raw, sup + 1);
      if (measure.length) parsed.measurePhrase = measure;
    }
  }

  // aggregation and what it applies to
  // after "for different", a count word before X ("numbers of X") still groups by X; it counts nothing
  const count = /\b(how many|(?<!different )numbers? of|count of)\b/.exec(text);
  if (count) {
    parsed.aggregation = 'COUNT';
    const nounStart = at(count[0]) + count[0].split(' ').length;
    parsed.countNoun = nounBeforeVerb(raw, nounStart, phraseAfter(raw, nounStart, true));
  } else {
    // "the smallest <measure>": a superlative before a measure is MIN / MAX (a "which ... most" question ranks instead)
    const agg = /\b(total|sum of|sum|average|avg|mean|maximum|max|minimum|min)\b/.exec(text) ?? (parsed.limit ? null : /\b(smallest|lowest|least|largest|highest|biggest|greatest)\b(?! (?:number|count|amount) of)/.exec(text));
    if (agg) {
      const word = agg[1];
      parsed.aggregation = /total|sum/.test(word) ? 'SUM' : /average|avg|mean/.test(word) ? 'AVG' : /max|largest|highest|biggest|greatest/.test(word) ? 'MAX' : 'MIN';
      const phrase = phraseAfter(raw, at(agg[0]) + agg[0].split(' ').length);
      if (phrase.length && !parsed.measurePhrase) parsed.measurePhrase = phrase;
      // "total X and maximum Y": each further aggregate word after an "and" names one more measure
      raw.forEach((w, i) => {
        if (i <= at(agg[0]) || raw[i - 1] !== 'and') return;
        const fn = AGGREGATE_WORDS[w];
        const extra = fn ? phraseAfter(raw, i + 1) : [];
        if (fn && extra.length) parsed.extraMeasures.push({ aggregation: fn, phrase: extra });
      });
    }
  }
  if (!parsed.measurePhrase && !parsed.aggregation) {
    // "What was <measure> in <year>?" — the words after the copula name the measure
    // "What did <measure> ...?": the words after an auxiliary too
    const copula = raw.findIndex((w) => w === 'was' || w === 'is' || w === 'were' || w === 'are' || w === 'did' || w === 'does');
    if (copula >= 0) {
      const phrase = phraseAfter(raw, copula + 1);
      if (phrase.length) parsed.measurePhrase = phrase;
    }
    const leading = copula < 0 ? leadingNounPhrase(raw) : [];
    if (leading.length) parsed.measurePhrase = leading;
  }

  // group by: "by X", "per X", "each X", "for different X" (a count word after "different" is skipped)
  raw.forEach((w, i) => {
    const each = w === 'each' || w === 'every' || (w === 'different' && raw[i - 1] === 'for');
    if ((w === 'by' || w === 'per' || each) && !(parsed.limit && w === 'by' && top)) {
      const skip = raw[i + 1] === 'number' && raw[i + 2] === 'of' ? 3 : 1;
      const phrase = phraseAfter(raw, i + skip);
      // "<verb> by the most X" ranks; it groups by nothing
      if (!phrase.length || SUPERLATIVE.test(phrase[0])) return;
      // "<verb> by the X with name V" names one row by a value; it groups by nothing
      let end = i + skip;
      while (end < raw.length && !BOUNDARY.has(raw[end]) && !/^\d+$/.test(raw[end])) end++;
      const next = raw[end];
      if (w === 'by' && raw[i + 1] === 'the' && (next === 'with' || next === 'named' || next === 'called')) return;
      // "did each <X> <verb>": after an auxiliary, the word closing the phrase is the main verb
      if (each && phrase.length > 1 && raw.slice(0, i).some((x) => x === 'did' || x === 'does' || x === 'do')) phrase.pop();
      parsed.groupPhrases.push(phrase);
      // "<measure> per <denominator>": the words before "per" belong to the measure
      const before = i > 0 ? stem(raw[i - 1]) : '';
      if (w === 'per' && (parsed.measurePhrase?.includes(before) || parsed.countNoun?.includes(before))) (parsed.ratePhrases ??= []).push(phrase);
    }
  });
  for (const phrase of parsed.groupPhrases) {
    if (phrase.length === 1 && GRAINS[phrase[0]]) parsed.grain = GRAINS[phrase[0]];
  }
  parsed.groupPhrases = parsed.groupPhrases.filter((p) => !(p.length === 1 && GRAINS[p[0]]));
  const adverb = raw.find((w) => /^(daily|weekly|monthly|quarterly|yearly|annual)$/.test(w));
  if (!parsed.grain && adverb) parsed.grain = GRAINS[adverb];

  // "that came from <condition>": the share of a total, not of rows
  const part = /\b(?:came|comes|come) from\b/.test(text) ? shareOfTotal(raw) : undefined;
  const share = part ? undefined : shareOf(raw);
  if (share) {
    parsed.share = share;
    parsed.aggregation = 'COUNT';
    parsed.countNoun = share.subject;
    parsed.measurePhrase = undefined;
  }

  if (part) {
    parsed.shareOfTotal = { concept: part.concept };
    parsed.aggregation = 'SUM';
    parsed.measurePhrase = part.measure;
  }

  const listed = listedColumns(question);
  if (listed.length) parsed.listedPhrases = listed;
  parsed.time = timeFilter(raw, text, parsed.years);
  parsed.numberFilters = numberFilters(raw, parsed.time);
  // "were <word> <number>": inside a share's concept, a number right after a word is that word's value
  if (share) {
    for (let i = 1; i < raw.length; i++) {
      const value = Number(raw[i]);
      if (!/^\d+$/.test(raw[i]) || parsed.years.includes(value) || !share.concept.includes(raw[i])) continue;
      if (!parsed.numberFilters.some((f) => f.value === value)) parsed.numberFilters.push({ op: '=', value, before: [stem(raw[i - 1])], after: [] });
    }
  }
  const firstNumber = raw.findIndex((w) => /^\d/.test(w));
  if (firstNumber >= 0 && raw.slice(firstNumber).includes('or') && parsed.numberFilters.length + (parsed.time ? 1 : 0) === 2) parsed.numbersEitherOr = true;
  return parsed;
}

const SHARE_WORDS = new Set(['share', 'proportion', 'fraction', 'percentage', 'percent', 'ratio']);

/**
 * "What share of <subject> were <concept>?", "what percentage of <subject> are <concept>": the subject names the rows,
 * the words after the copula (up to a period or a grouping) name the condition some of them meet.
 */
function shareOf(raw: string[]): ParsedQuestion['share'] {
  const at = raw.findIndex((w, i) => SHARE_WORDS.has(w) && raw[i + 1] === 'of');
  if (at < 0) return undefined;
  const copula = raw.findIndex((w, i) => i > at + 2 && COPULAS.has(w));
  if (copula < 0) return shareWithVerb(raw, at);
  // the subject's noun phrase, without a participle closing it ("<nouns> <verb>ed in <year>")
  const subject = phraseAfter(raw.slice(0, copula), at + 2, true).filter((w) => w !== 'all');
  while (subject.length > 1 && isParticiple(subject[subject.length - 1])) subject.pop();
  const concept: string[] = [];
  for (const w of raw.slice(copula + 1)) {
    if (['in', 'by', 'per', 'for', 'during', 'across', 'since', 'before', 'after', 'at'].includes(w) || /^(19|20)\d\d$/.test(w)) break;
    concept.push(w);
  }
  if (subject.length === 0 || concept.length === 0) return undefined;
  return { subject, concept: concept.map(stem), percent: /^percent/.test(raw[at]) };
}

const SUPERLATIVE = /^(highest|most|largest|biggest|best|lowest|least|smallest|fewest|worst|greatest)$/;
const COUNT_ITEM = /\b(number|numbers|count|total|amount|how many|average|sum|maximum|minimum)\b/;

/**
 * Columns the question asks to see: "List A, B and the number." or "what is the A and B of each X" (then X's words
 * qualify each item). The count item is the measure, not a column.
 */
function listedColumns(question: string): string[][] {
  const lower = question.toLowerCase();
  const items: string[][] = [];
  const split = (clause: string, qualifier: string[] = []) => {
    const parts = clause.split(/,|\band\b/).map((p) => p.trim()).filter(Boolean);
    // a plain enumeration of short noun phrases, nothing else ("<measure> by <period> and <dimension>" is not one)
    if (parts.length < 2 || parts.some((p) => !COUNT_ITEM.test(p) && (p.split(/\s+/).length > 4 || p.split(/\s+/).some((w) => BOUNDARY.has(w))))) return;
    for (const part of parts) {
      if (COUNT_ITEM.test(part)) continue;
      const words = stems(part).filter((w) => !['the', 'a', 'an', 'its', 'their', 'only'].includes(w));
      if (words.length) items.push([...qualifier.filter((q) => !words.includes(q)), ...words]);
    }
  };
  const list = /\b(?:list|return)\s+(?:only\s+)?(?:the\s+)?([^.?!]+)/.exec(lower);
  if (list) split(list[1]);
  for (const m of lower.matchAll(/\bof (?:each|every) ([a-z]+)/g)) {
    const before = lower.slice(0, m.index);
    const start = Math.max(before.lastIndexOf('what is the '), before.lastIndexOf('what are the '));
    if (start < 0) continue;
    const clause = before.slice(start).replace(/^what (?:is|are) the /, '');
    if (!/\bof\b/.test(clause) && !COUNT_ITEM.test(clause)) split(clause, [stem(m[1])]);
  }
  return items;
}

export const AGGREGATE_WORDS: Record<string, Aggregation> = { total: 'SUM', sum: 'SUM', average: 'AVG', avg: 'AVG', mean: 'AVG', maximum: 'MAX', max: 'MAX', largest: 'MAX', minimum: 'MIN', min: 'MIN', smallest: 'MIN' };
const FILLER = new Set(['is', 'are', 'was', 'were', 'has', 'have', 'had', 'with', 'a', 'an', 'the', 'of', 'its', 'their', 'whose', 'that', 'which']);

/** Numbers compared with a column: the words right after the number or right before the comparison name it. */
function numberFilters(raw: string[], time: TimeFilter | undefined): NumberFilter[] {
  const out: NumberFilter[] = [];
  raw.forEach((w, i) => {
    if (!/^\d+(?:\.\d+)?$/.test(w)) return;
    const value = Number(w);
    if (time && 'year' in time && time.year === value) return;
    let op: NumberFilter['op'] | undefined;
    let start = i;
    for (const [pattern, o] of COMPARATORS) {
      for (const n of [2, 1, 3]) {
        if (i - n >= 0 && pattern.test(raw.slice(i - n, i).join(' '))) { op = o; start = i - n; break; }
      }
      if (op) break;
    }
    if (!op && raw[i - 1] === 'with') op = '=';
    if (!op) return;
    const after = raw.slice(i + 1, i + 4).filter((x) => !/^\d/.test(x));
    const stop = after.findIndex((x) => BOUNDARY.has(x));
    const beforeWords: string[] = [];
    for (let j = start - 1; j >= 0 && beforeWords.length < 3; j--) {
      if (FILLER.has(raw[j])) { if (beforeWords.length) break; continue; }
      if (BOUNDARY.has(raw[j])) break;
      beforeWords.unshift(raw[j]);
    }
    out.push({ op, value, after: (stop >= 0 ? after.slice(0, stop) : after).map(stem), before: beforeWords.map(stem) });
  });
  return out;
}

function timeFilter(raw: string[], text: string, years: number[]): TimeFilter | undefined {
  const fiscal = /\b(?:fiscal year|fiscal|fy)\s*((?:19|20)\d\d)\b/.exec(text) ?? /\bfy((?:19|20)\d\d)\b/.exec(text);
  if (fiscal) return { kind: 'fiscal_year', year: Number(fiscal[1]) };
  const last = /\b(?:last|past|previous)\s+(\d+)\s+days?\b/.exec(text);
  if (last) return { kind: 'last_days', days: Number(last[1]) };
  if (/\b(last|previous) month\b/.test(text)) return { kind: 'last_month' };
  if (/\b(this year|year to date|ytd)\b/.test(text)) return { kind: 'this_year' };
  if (/\b(last|previous) year\b/.test(text)) return { kind: 'last_year' };
  if (years.length !== 1) return undefined;
  const year = years[0];
  const around = new RegExp(String.raw`\b(before|after|since|until) ${year}\b`).exec(text);
  if (around) return { kind: around[1] === 'before' || around[1] === 'until' ? 'before_year' : 'after_year', year };
  const quarter = raw.findIndex((w) => ORDINAL_QUARTER[w] !== undefined && (w.startsWith('q') || raw.includes('quarter')));
  if (quarter >= 0) return { kind: 'quarter', year, quarter: ORDINAL_QUARTER[raw[quarter]] };
  const month = raw.findIndex((w) => MONTHS.includes(w));
  if (month >= 0) return { kind: 'month', year, month: MONTHS.indexOf(raw[month]) + 1 };
  return { kind: 'year', year };
}

const QUESTION_WORDS = new Set('what which who whom whose how when where why is are was were do does did can could show give list tell find'.split(' '));

/**
 * "<noun> per month", "<noun> <participle> for each month": a question with no aggregate word, no copula and no
 * question word names its measure by the noun phrase it opens with (a participle closing the phrase is the verb).
 */
function leadingNounPhrase(raw: string[]): string[] {
  if (raw.length === 0 || QUESTION_WORDS.has(raw[0]) || SHARE_WORDS.has(raw[0])) return [];
  const end = raw.findIndex((w) => BOUNDARY.has(w) || /^\d+$/.test(w));
  const phrase = raw.slice(0, end < 0 ? raw.length : end);
  while (phrase.length > 1 && isParticiple(phrase[phrase.length - 1])) phrase.pop();
  return phrase.filter((w) => !['the', 'a', 'an'].includes(w)).map(stem);
}

/**
 * "how many <nouns> <verb> ...": after a plural noun, a word that is neither plural nor a noun-joining word is the verb
 * of the clause, not part of the counted noun (two plurals in a row stay one compound noun).
 */
function nounBeforeVerb(raw: string[], start: number, noun: string[]): string[] {
  for (let i = 1; i < noun.length; i++) {
    const previous = raw[start + i - 1];
    const word = raw[start + i];
    if (previous !== undefined && word !== undefined && stem(previous) !== previous && (stem(word) === word || isParticiple(word))) return noun.slice(0, i);
  }
  return noun;
}

/**
 * "what percentage of <nouns> <participle> in <year> <verb> <words>", "what proportion of <adjective> <nouns> <verb>":
 * with no copula, the subject's noun phrase ends at its plural head and the rest of the clause (periods aside) is the
 * condition.
 */
function shareWithVerb(raw: string[], at: number): ParsedQuestion['share'] {
  const start = at + 2;
  let head = -1;
  for (let i = start; i < raw.length && !BOUNDARY.has(raw[i]) && !/^\d+$/.test(raw[i]); i++) if (stem(raw[i]) !== raw[i]) { head = i; break; }
  if (head < 0) return undefined;
  const subject = raw.slice(start, head + 1).filter((w) => !['the', 'a', 'an', 'all'].includes(w)).map(stem);
  const rest = raw.slice(head + 1).filter((w, i, all) => !/^(19|20)\d\d$/.test(w) && !(BOUNDARY.has(w) && /^(19|20)\d\d$/.test(all[i + 1] ?? '')));
  // a participle right after the head with its period ("<participle> in <year>") narrows the subject; it is no condition
  const concept = rest.length > 1 && /(?:ed|en|wn)$/.test(rest[0]) && /^(19|20)\d\d$/.test(raw[head + 3] ?? '') ? rest.slice(1) : rest;
  const words = concept.filter((w) => !['the', 'a', 'an', 'their', 'its', 'came', 'come', 'in'].includes(w) || concept.length === 1);
  if (subject.length === 0 || words.length === 0) return undefined;
  return { subject, concept: words.map(stem), percent: /^percent/.test(raw[at]) };
}

/**
 * "share of <period> <measure> that came from <condition>", "what share of <measure> comes from <condition>": a part of a
 * total, not of a count of rows; the words after "from" name the part.
 */
function shareOfTotal(raw: string[]): { measure: string[]; concept: string[] } | undefined {
  const at = raw.findIndex((w, i) => SHARE_WORDS.has(w) && raw[i + 1] === 'of');
  const from = raw.indexOf('from', at + 2);
  if (at < 0 || from < 0) return undefined;
  let start = at + 2;
  while (/^(19|20)\d\d$/.test(raw[start] ?? '') || ['the', 'our', 'all', 'total'].includes(raw[start] ?? '')) start++;
  const measure = phraseAfter(raw, start, true).filter((w) => !['that', 'came', 'come', 'comes'].includes(w));
  const concept = raw.slice(from + 1).filter((w) => !/^(19|20)\d\d$/.test(w) && !['the', 'a', 'an'].includes(w)).map(stem);
  return measure.length && concept.length ? { measure, concept } : undefined;
}
