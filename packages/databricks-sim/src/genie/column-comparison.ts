/**
 * "over <qualifier> <noun>", "more <noun> than <qualifier>": a yes/no state of a row read from two of its columns. The
 * reference column's first name word is the qualifier (or abbreviates it); the compared column is the one other
 * numeric column of that table with the same remaining name words ("<actual>_<noun>" against "<planned>_<noun>").
 */
import { abbreviates, type ColumnInfo, type Lexicon, type TableInfo } from './lexicon.ts';
import { identifierStems } from './text.ts';

export interface ColumnComparison { table: TableInfo; left: ColumnInfo; op: '>' | '<'; right: ColumnInfo; words: string[] }

const OVER = new Set(['over', 'above', 'beyond', 'exceeding']);
const UNDER = new Set(['under', 'below', 'within']);
const MORE = new Set(['more', 'higher', 'longer', 'greater', 'larger', 'bigger']);
const LESS = new Set(['less', 'fewer', 'lower', 'shorter', 'smaller']);
const SKIP = new Set(['the', 'their', 'its', 'our', 'a', 'an', 'what', 'was']);

const names = (word: string, token: string) => word === token || abbreviates(word, token);

export function columnComparison(lexicon: Lexicon, tokens: string[]): ColumnComparison | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    let op: '>' | '<' | undefined;
    let reference: string[] = [];
    let compared: string[] = [];
    if (OVER.has(t) || UNDER.has(t)) {
      op = OVER.has(t) ? '>' : '<';
      reference = tokens.slice(i + 1).filter((w) => !SKIP.has(w)).slice(0, 3);
    } else if (MORE.has(t) || LESS.has(t)) {
      const than = tokens.indexOf('than', i + 1);
      if (than < 0 || than > i + 4) continue;
      op = MORE.has(t) ? '>' : '<';
      compared = tokens.slice(i + 1, than);
      reference = [...tokens.slice(than + 1).filter((w) => !SKIP.has(w)).slice(0, 1), ...compared];
    }
    if (!op || reference.length === 0 || /^\d/.test(reference[0])) continue;
    const hit = pairNamedBy(lexicon, reference, compared);
    if (hit) return { ...hit, op, words: [t, ...reference] };
  }
  return undefined;
}

function pairNamedBy(lexicon: Lexicon, reference: string[], compared: string[]): Omit<ColumnComparison, 'op' | 'words'> | undefined {
  const found: Omit<ColumnComparison, 'op' | 'words'>[] = [];
  for (const table of lexicon.tables) {
    const numeric = table.columns.filter((c) => c.numeric && !c.temporal);
    for (const right of numeric) {
      const [qualifier, ...rest] = identifierStems(right.name);
      if (!qualifier || rest.length === 0 || !names(qualifier, reference[0])) continue;
      // the noun words the question gives must be the reference's remaining words too
      if (compared.length && !compared.some((w) => rest.some((r) => names(r, w)))) continue;
      const siblings = numeric.filter((c) => c !== right && identifierStems(c.name).slice(1).join(' ') === rest.join(' '));
      if (siblings.length === 1) found.push({ table, left: siblings[0], right });
    }
  }
  return found.length === 1 ? found[0] : undefined;
}
