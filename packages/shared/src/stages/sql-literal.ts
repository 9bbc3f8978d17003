/** A SQL string literal: single quotes, inner quotes doubled. */
export function quoteSqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
