/*
 * Why our own grammar and not a SQL parser: node-sql-parser 5.4 (the maintained JS parser) has no Spark/Databricks
 * dialect; its Hive mode rejects this repository's own benchmark SQL (three-part names such as main.retail.stores,
 * DATE '2024-02-01', VALUES), and no mode accepts MEASURE(), `::` casts, QUALIFY, INTERVAL 7 DAYS and LATERAL VIEW
 * together (docs/security.md has the figures). A guard that rejects valid Genie SQL would fail good answers, so this
 * module checks the statement's shape on a real lexer instead: strings, quoted identifiers and comments are opaque,
 * the text is lexed twice (with and without backslash escapes in strings, as Databricks and DuckDB differ) and must
 * pass both ways. It is a defence in depth; the real control is a warehouse principal with read-only grants.
 */
import { UnsafeSqlError } from '../errors/index.ts';
import { lexSql, type SqlToken } from './sql-lexer.ts';

/** Words that only start a writing or session-changing statement; refused wherever they appear outside quotes. */
const WRITE_WORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE', 'DENY',
  'VACUUM', 'OPTIMIZE', 'MSCK', 'UNDROP', 'RESTORE', 'REORG', 'OVERWRITE',
]);
/** Functions with side effects outside the warehouse (Java reflection, outbound HTTP). */
const EFFECT_FUNCTIONS = new Set(['REFLECT', 'TRY_REFLECT', 'JAVA_METHOD', 'HTTP_REQUEST']);
const QUERY_STARTS = new Set(['SELECT', 'VALUES', 'WITH']);

const isSymbol = (t: SqlToken | undefined, text: string) => t?.kind === 'symbol' && t.text === text;
const isWord = (t: SqlToken | undefined, upper: string) => t?.kind === 'word' && t.upper === upper;

/** Why `sql` is not one read-only query (SELECT, WITH … SELECT, VALUES), or undefined when it is. */
export function readOnlyQueryProblem(sql: string): string | undefined {
  for (const backslashEscapes of [true, false]) {
    const lexed = lexSql(sql, { backslashEscapes });
    if (!lexed.ok) return `it contains ${lexed.problem}`;
    const problem = statementProblem(lexed.tokens);
    if (problem) return problem;
  }
  return undefined;
}

export function isReadOnlyQuery(sql: string): boolean {
  return readOnlyQueryProblem(sql) === undefined;
}

/** Throws UnsafeSqlError naming `what` (e.g. `questions[2].expected_sql`) unless `sql` is one read-only query. */
export function assertReadOnlyQuery(sql: string, what: string): void {
  const problem = readOnlyQueryProblem(sql);
  if (problem) throw new UnsafeSqlError(what, problem);
}

function statementProblem(all: SqlToken[]): string | undefined {
  const semicolon = all.findIndex((t) => isSymbol(t, ';'));
  if (semicolon >= 0 && semicolon !== all.length - 1) return 'it holds more than one statement (a ";" before the end)';
  const tokens = semicolon >= 0 ? all.slice(0, -1) : all;
  if (tokens.length === 0) return 'it is empty';
  const depths = nestingDepths(tokens);
  if (!depths) return 'its parentheses are unbalanced';
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== 'word') continue;
    if (WRITE_WORDS.has(t.upper)) return `it contains ${t.upper}, which writes or changes the workspace`;
    if (EFFECT_FUNCTIONS.has(t.upper) && isSymbol(tokens[i + 1], '(')) return `it calls ${t.upper}(), which has side effects`;
  }
  return queryProblem(tokens, 0, depths);
}

/** Depth before each token; undefined when a ")" closes nothing or a "(" stays open. */
function nestingDepths(tokens: SqlToken[]): number[] | undefined {
  const depths: number[] = [];
  let depth = 0;
  for (const t of tokens) {
    depths.push(depth);
    if (isSymbol(t, '(')) depth++;
    if (isSymbol(t, ')') && --depth < 0) return undefined;
  }
  return depth === 0 ? depths : undefined;
}

/** A query at `start`: "(" …, SELECT, VALUES, or WITH <ctes> followed by a query. */
function queryProblem(tokens: SqlToken[], start: number, depths: number[]): string | undefined {
  let i = start;
  while (isSymbol(tokens[i], '(')) i++;
  const first = tokens[i];
  if (!first || first.kind !== 'word' || !QUERY_STARTS.has(first.upper)) {
    return `it must start with SELECT, WITH or VALUES, not ${describe(first)}`;
  }
  if (first.upper !== 'WITH') return undefined;
  i++;
  if (isWord(tokens[i], 'RECURSIVE')) i++;
  for (;;) {
    // name [(columns)] [AS] (query)
    if (tokens[i]?.kind !== 'word' && tokens[i]?.kind !== 'quoted') return `WITH needs a name, not ${describe(tokens[i])}`;
    i++;
    if (isSymbol(tokens[i], '(')) i = closing(tokens, i, depths) + 1;
    if (isWord(tokens[i], 'AS')) i++;
    if (!isSymbol(tokens[i], '(')) return `a WITH clause needs its query in parentheses, not ${describe(tokens[i])}`;
    const inner = queryProblem(tokens, i + 1, depths);
    if (inner) return `in a WITH clause, ${inner}`;
    i = closing(tokens, i, depths) + 1;
    if (!isSymbol(tokens[i], ',')) break;
    i++;
  }
  const main = queryProblem(tokens, i, depths);
  return main ? `after its WITH clauses, ${main}` : undefined;
}

/** Index of the ")" that closes the "(" at `open`. */
function closing(tokens: SqlToken[], open: number, depths: number[]): number {
  for (let i = open + 1; i < tokens.length; i++) if (isSymbol(tokens[i], ')') && depths[i] === depths[open] + 1) return i;
  return tokens.length;
}

function describe(t: SqlToken | undefined): string {
  if (!t) return 'the end of the text';
  if (t.kind === 'word') return t.upper;
  if (t.kind === 'symbol') return `"${t.text}"`;
  return t.kind === 'number' ? 'a number' : 'a quoted name or string';
}
