import { readOnlyQueryProblem } from '../sql-guard/index.ts';

/** The fail reason when Genie's SQL is not one read-only query (it is then never run), else undefined. */
export function refuseUnsafeGenieSql(sql: string): string | undefined {
  const problem = readOnlyQueryProblem(sql);
  return problem ? `Genie's SQL was refused, not run: it is not one read-only query (${problem})` : undefined;
}
