/** One equality of a join: `<alias>.<column> = <alias>.<column>`, oriented left alias first. */
export interface JoinCondition { leftColumn: string; rightColumn: string }

/**
 * The column pairs of a join spec's SQL (equalities between the two aliases, ANDed), oriented so that
 * `leftColumn` belongs to `leftAlias`; undefined when the SQL is anything else.
 */
export function joinConditions(sql: string, leftAlias: string, rightAlias: string): JoinCondition[] | undefined {
  const parts = sql.trim().split(/\s+and\s+/i);
  const out: JoinCondition[] = [];
  const l = leftAlias.toLowerCase();
  const r = rightAlias.toLowerCase();
  for (const part of parts) {
    const m = /^\(?\s*`?(\w+)`?\.`?(\w+)`?\s*=\s*`?(\w+)`?\.`?(\w+)`?\s*\)?$/.exec(part.trim());
    if (!m) return undefined;
    const [a, b] = [m[1].toLowerCase(), m[3].toLowerCase()];
    if (a === l && b === r) out.push({ leftColumn: m[2], rightColumn: m[4] });
    else if (a === r && b === l) out.push({ leftColumn: m[4], rightColumn: m[2] });
    else return undefined;
  }
  return out.length > 0 ? out : undefined;
}

/** What a join means, whatever its aliases and the order of its sides: sorted `table.column=table.column` pairs. */
export function joinMeaning(left: { identifier: string; alias?: string }, right: { identifier: string; alias?: string }, sql: string): string | undefined {
  const short = (t: string) => t.split('.').pop()!;
  const pairs = joinConditions(sql, left.alias ?? short(left.identifier), right.alias ?? short(right.identifier));
  if (!pairs) return undefined;
  const side = (table: string, column: string) => `${table.toLowerCase()}.${column.toLowerCase()}`;
  return pairs.map((p) => [side(left.identifier, p.leftColumn), side(right.identifier, p.rightColumn)].sort().join('=')).sort().join(' AND ');
}
