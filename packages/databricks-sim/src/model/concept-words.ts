/**
 * The words of a question that name a condition its expected SQL applies and nothing in the space explains (a state
 * word for `<a> > <b>`, "on <word>" for `<a> <= <b>`, an adjective for `<status> = '<code>'`). Evidence, in order:
 * - other failed questions whose expected SQL lacks the condition: their words are not its name;
 * - a word right after the copula ("were <state>") or leading the counted noun phrase ("<state> <nouns>") names a
 *   state; a word inside a noun phrase is part of the noun.
 */
import type { Lexicon } from '../genie/lexicon.ts';
import type { ParsedQuestion } from '../genie/question.ts';
import { COPULAS, isParticiple, isStopword, stem, stems, words } from '../genie/text-exports.ts';

/** Words the space already explains: table and column names and synonyms, values, snippet names. */
export function spaceWords(lexicon: Lexicon): Set<string> {
  const explained = new Set<string>();
  for (const table of lexicon.tables) {
    table.entity.forEach((w) => explained.add(w));
    table.phrases.forEach((p) => p.words.forEach((w) => explained.add(w)));
    table.descriptionWords.forEach((w) => explained.add(w));
    for (const column of table.columns) {
      column.phrases.forEach((p) => p.words.forEach((w) => explained.add(w)));
      column.values.forEach((v) => stems(v).forEach((w) => explained.add(w)));
    }
  }
  lexicon.snippets.forEach((x) => x.phrases.forEach((p) => p.words.forEach((w) => explained.add(w))));
  return explained;
}

/** prepositions that form one name with the word after them: "on <word>", "over <word>", "in <word>" */
const BOUND = new Set(['on', 'over', 'under', 'in', 'out', 'ahead', 'behind', 'within', 'past']);

export function conceptWords(question: string, parsed: ParsedQuestion, explained: Set<string>, contrast: Set<string>, questionWords: Set<string>, countedByShare = false): string[] {
  const raw = words(question);
  const tokens = raw.map(stem);
  const nounPhrase = parsed.share?.subject ?? parsed.countNoun ?? parsed.measurePhrase ?? [];
  // a word that could name a condition: not a number, stopword, question or ratio word, nor anything the space explains
  const nameable = (w: string) => w.length > 2 && !/^\d/.test(w) && !isStopword(w) && !explained.has(w) && !questionWords.has(w) && !RATIO_WORDS.has(w);
  const candidate = (i: number) => nameable(tokens[i]) && !contrast.has(tokens[i]);
  const shareWord = countedByShare ? shareConceptWord(parsed, tokens, nameable) : undefined;
  if (shareWord) return shareWord;
  const withPreposition = (i: number) => (i > 0 && BOUND.has(raw[i - 1]) ? [raw[i - 1], tokens[i]] : [tokens[i]]);
  const participle = (i: number) => isParticiple(raw[i]);
  // a state after the copula: in "were <verb>ed <state>" the word after the participle, else the participle itself
  for (let c = 0; c < raw.length - 1; c++) {
    if (!COPULAS.has(raw[c])) continue;
    const run: number[] = [];
    for (let i = c + 1; i < raw.length && !/^\d/.test(raw[i]) && (!isStopword(raw[i]) || BOUND.has(raw[i])); i++) run.push(i);
    const state = run.filter((i) => candidate(i) && !participle(i)).pop() ?? run.find((i) => candidate(i));
    if (state !== undefined) return withPreposition(state);
  }
  // the word leading the noun phrase
  const lead = tokens.indexOf(nounPhrase[0] ?? '');
  if (nounPhrase.length > 1 && lead >= 0 && candidate(lead)) return [tokens[lead]];
  // any other word outside the noun phrase, the participles of verbs aside
  for (let i = 0; i < tokens.length; i++) {
    if (candidate(i) && !nounPhrase.includes(tokens[i]) && !participle(i)) return withPreposition(i);
  }
  return [];
}

/** Words asking for a ratio: they say how to aggregate, never which rows. */
const RATIO_WORDS = new Set(['share', 'proportion', 'fraction', 'percentage', 'percent', 'ratio', 'rate']);

/**
 * "What share of <subject> were <state>": the question itself marks the state's words, so they name the condition even
 * when other questions use them too ("including the <state> ones" does not apply it, yet says the same word).
 */
function shareConceptWord(parsed: ParsedQuestion, tokens: string[], nameable: (w: string) => boolean): string[] | undefined {
  const concept = (parsed.share?.concept ?? []).filter(nameable);
  if (concept.length === 0 || concept.length > 3) return undefined;
  const at = tokens.indexOf(concept[0]);
  return at > 0 && BOUND.has(tokens[at - 1]) && concept.length === 1 ? [tokens[at - 1], concept[0]] : concept;
}
