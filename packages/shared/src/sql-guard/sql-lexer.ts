/** One lexical token of Databricks SQL; strings, quoted identifiers and comments are opaque. */
export type SqlToken =
  | { kind: 'word'; upper: string; at: number }
  | { kind: 'quoted'; at: number } // 'string', "string", `identifier`
  | { kind: 'number'; at: number }
  | { kind: 'symbol'; text: string; at: number };

export type LexResult = { ok: true; tokens: SqlToken[] } | { ok: false; problem: string };

export interface LexOptions {
  /** Databricks reads `\'` inside a string as an escaped quote; other engines (DuckDB) do not */
  backslashEscapes: boolean;
}

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const DIGIT = /[0-9]/;

/** Tokenises `sql`; an unterminated string, identifier or comment, or a NUL byte, is a problem, never a guess. */
export function lexSql(sql: string, options: LexOptions): LexResult {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\0') return { ok: false, problem: 'a NUL character' };
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = skipBlockComment(sql, i);
      if (end < 0) return { ok: false, problem: 'an unterminated /* comment' };
      i = end;
    } else if (c === "'" || c === '"' || c === '`') {
      const end = skipQuoted(sql, i, c === '`' ? false : options.backslashEscapes);
      if (end < 0) return { ok: false, problem: `an unterminated ${c === '`' ? 'quoted identifier' : 'string literal'}` };
      tokens.push({ kind: 'quoted', at: i });
      i = end;
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(sql[i + 1] ?? ''))) {
      // digits only (no letters): `1DROP` yields the word DROP, so a keyword glued to a number is still seen
      const match = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^[0-9]+\.?/.exec(sql.slice(i, i + 400))!;
      tokens.push({ kind: 'number', at: i });
      i += match[0].length;
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      tokens.push({ kind: 'word', upper: sql.slice(i, end).toUpperCase(), at: i });
      i = end;
    } else {
      tokens.push({ kind: 'symbol', text: c, at: i });
      i++;
    }
  }
  return { ok: true, tokens };
}

/** Spark SQL block comments nest; returns the index after the comment, -1 when it never closes. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** A doubled quote stays inside (it reads the same as two adjacent literals); returns the index after the closing quote. */
function skipQuoted(sql: string, start: number, backslashEscapes: boolean): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}
