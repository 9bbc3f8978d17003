/** Text normalisation used to compare fixes with each other, with the space, and with the benchmark. */

const NOT_AN_ALIAS = new Set([
  'on', 'where', 'join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'natural', 'lateral', 'using',
  'group', 'order', 'limit', 'having', 'union', 'except', 'intersect', 'window', 'qualify', 'select', 'from',
  'and', 'or', 'as', 'pivot', 'unpivot', 'tablesample', 'offset', 'with',
]);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lower case, quotes and backticks removed, whitespace collapsed, no spaces around operators and brackets. */
export function normaliseSqlText(sql: string): string {
  return sql
    .toLowerCase()
    .replace(/[`"']/g, '')
    .replace(/!=/g, '<>')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=<>+\-*/;])\s*/g, '$1')
    .replace(/;+$/, '')
    .trim();
}

/**
 * SQL in a canonical form for equality checks: `normaliseSqlText`, then table aliases and `AS name` aliases
 * removed and `alias.` / `table.` qualifiers dropped, so a copy with renamed aliases still compares equal.
 */
export function normaliseSql(sql: string): string {
  let text = normaliseSqlText(sql);
  const qualifiers = new Set<string>();
  for (const [, table] of text.matchAll(/\b(?:from|join) ([a-z_][\w.]*)/g)) {
    qualifiers.add(table);
    qualifiers.add(table.split('.').pop() ?? table);
  }
  text = text.replace(/\b(from|join) ([a-z_][\w.]*)(?: as)? ([a-z_]\w*)\b/g, (match, keyword: string, table: string, alias: string) => {
    if (NOT_AN_ALIAS.has(alias)) return match;
    qualifiers.add(alias);
    return `${keyword} ${table}`;
  });
  text = text.replace(/\)(?:as )?([a-z_]\w*)\b/g, (match, alias: string) => {
    if (NOT_AN_ALIAS.has(alias)) return match;
    qualifiers.add(alias);
    return ')';
  });
  text = text.replace(/\s?\bas [a-z_]\w*\b/g, '');
  // longest first, so `main.shop.sales.` goes before `sales.`
  for (const q of [...qualifiers].sort((a, b) => b.length - a.length)) {
    text = text.replace(new RegExp(`(?<![\\w.])${escapeRegExp(q)}\\.(?=[a-z_*])`, 'g'), '');
  }
  return text.replace(/\s+/g, ' ').replace(/\s*([(),=<>+\-*/;])\s*/g, '$1').trim();
}

/** Lower case, punctuation dropped, whitespace collapsed: "How many X?" equals "how many x". */
export function normaliseQuestion(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const QUOTED = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"/g;
const NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?![\w.])/g;

/**
 * The SQL with every literal (quoted string, date, number) replaced by one placeholder, then `normaliseSql`: two
 * statements with one template ask the same thing of other values.
 */
export function sqlTemplate(sql: string): string {
  return normaliseSql(sql.replace(QUOTED, '?').replace(NUMBER, '?'));
}

/**
 * The question with every number and double-quoted value replaced by one placeholder, then `normaliseQuestion`
 * (single quotes are left alone: in a question they are mostly apostrophes).
 */
export function questionTemplate(text: string): string {
  return normaliseQuestion(text.replace(/"[^"]*"|“[^”]*”/g, ' 0 ').replace(NUMBER, ' 0 '));
}
