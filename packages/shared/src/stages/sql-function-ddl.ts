import type { Fix } from '../schemas/index.ts';
import { quoteSqlLiteral } from './sql-literal.ts';

type SqlFunctionFix = Extract<Fix, { kind: 'sql_function' }>;

/** `CREATE OR REPLACE FUNCTION` (a SQL UDF, Unity Catalog) for a sql_function fix; one statement, no semicolons. */
export function sqlFunctionDdl(fix: SqlFunctionFix): string {
  if (/;/.test(fix.body.replace(/'(?:[^']|'')*'/g, ''))) throw new Error(`function ${fix.identifier}: the body must be one expression`);
  const params = fix.parameters.map((p) => `${p.name} ${p.type}`).join(', ');
  const comment = fix.comment ? ` COMMENT ${quoteSqlLiteral(fix.comment)}` : '';
  return `CREATE OR REPLACE FUNCTION ${fix.identifier}(${params}) RETURNS ${fix.returns}${comment} RETURN ${fix.body.trim()}`;
}
