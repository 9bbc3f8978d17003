/** Walks SQL outside quotes, calling `visit` at every top-level (depth 0) position; `visit` may return where to go on. */
export function scanTopLevel(sql: string, visit: (i: number) => number | void): void {
  let depth = 0, quote = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) { if (ch === quote) quote = ''; continue; }
    if (ch === "'" || ch === '"' || ch === '`') { quote = ch; continue; }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) i = visit(i) ?? i;
  }
}
