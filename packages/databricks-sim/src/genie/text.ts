/** Word-level text handling shared by the simulated Genie and the simulated planner model. */

const STOPWORDS = new Set(
  'a an the of in on at to for from by per with and or is are was were be been do does did have has had what which who how many much there this that these those our we us my their its it as into over during each any all me show give list tell'.split(' '),
);

/** Light singularisation so "items" matches "item" and "categories" matches "category". */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Lower-case word tokens, digits kept. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export function stems(text: string): string[] {
  return words(text).map(stem);
}

/** Words of an identifier: `foo_bar` → [foo, bar], `shipDate` → [ship, date]. */
export function identifierStems(identifier: string): string[] {
  return stems(identifier.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' '));
}

/** Verbs that link a subject to its state ("were <state>", "got <state>"). */
export const COPULAS: ReadonlySet<string> = new Set(['were', 'was', 'are', 'is', 'been', 'be', 'got', 'became']);

/** A participle ("<verb>ed", "<verb>en"): in a question, a verb form closing a noun phrase rather than part of it. */
export function isParticiple(word: string): boolean {
  return /(?:ed|en)$/.test(word);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Content words of a free text (descriptions): stems without stopwords. */
export function contentStems(text: string): string[] {
  return stems(text).filter((w) => !STOPWORDS.has(w) && w.length > 1);
}

/** Position of `phrase` as a contiguous run inside `tokens`, or -1. */
export function indexOfPhrase(tokens: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0 || phrase.length > tokens.length) return -1;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}

/** Last part of a dotted name: main.shop.items → items. */
export function shortName(identifier: string): string {
  return identifier.split('.').pop() ?? identifier;
}

export function quoteSqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
