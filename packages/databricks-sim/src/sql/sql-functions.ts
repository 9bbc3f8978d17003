/**
 * Unity Catalog SQL functions on DuckDB: `CREATE [OR REPLACE] FUNCTION c.s.f(p T, ...) RETURNS T [COMMENT '...']
 * RETURN <expr>` becomes a DuckDB macro in the schema that holds c.s, so `c.s.f(...)` works in later queries.
 */
import { duckSchema, translateSql } from './translate.ts';

const HEAD = /^\s*create\s+(?:or\s+replace\s+)?function\s+(?:if\s+not\s+exists\s+)?`?(\w+)`?\.`?(\w+)`?\.`?(\w+)`?\s*\(/i;
const TAIL = /^\s*returns\s+[\w(), ]+?\s+(?:comment\s+'(?:[^']|'')*'\s+)?return\s+([\s\S]+?)\s*;?\s*$/i;

/** Splits at top-level commas (not inside parentheses). */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The DuckDB macro for a SQL-function DDL, or undefined when the statement is not one. */
export function sqlFunctionMacro(sql: string): string | undefined {
  const head = HEAD.exec(sql);
  if (!head) return undefined;
  let depth = 1;
  let end = head[0].length;
  for (; end < sql.length && depth > 0; end++) depth += sql[end] === '(' ? 1 : sql[end] === ')' ? -1 : 0;
  if (depth !== 0) return undefined;
  const tail = TAIL.exec(sql.slice(end));
  if (!tail) return undefined;
  const params = topLevelParts(sql.slice(head[0].length, end - 1)).map((p) => p.split(/\s+/)[0]);
  return `CREATE OR REPLACE MACRO ${duckSchema(head[1], head[2])}.${head[3]}(${params.join(', ')}) AS (${translateSql(tail[1])})`;
}
