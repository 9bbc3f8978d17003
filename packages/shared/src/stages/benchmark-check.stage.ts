import pLimit from 'p-limit';
import { normalizeValue, valueKey } from '../compare/normalize.ts';
import { isInfrastructureError } from '../errors/infrastructure.ts';
import type { BenchmarkQuestion } from '../schemas/index.ts';
import { readOnlyQueryProblem } from '../sql-guard/index.ts';
import type { ResultSet, SqlWarehouse } from './ports.ts';
import { normaliseQuestion } from './sql-normalise.ts';

export interface BenchmarkCheckDeps {
  warehouse: SqlWarehouse;
  /** statements run at once (default 4) */
  concurrency?: number;
  timeoutMs?: number;
}

export interface BadQuestion {
  question_id: string;
  reasons: string[];
}

export interface BenchmarkCheckResult {
  good: BenchmarkQuestion[];
  bad: BadQuestion[];
}

/** The same rows in any order under any column names: a row is its values' comparison keys. */
function resultFingerprint(result: ResultSet): string {
  return JSON.stringify(result.rows.map((row) => JSON.stringify(row.map((v) => valueKey(normalizeValue(v))))).sort());
}

/**
 * Checks a benchmark before it is scored: each expected SQL is one read-only query, runs, and returns rows; no two
 * questions share an id or (normalised) text; no two expected results are identical. Of a repeated id, text or result
 * the first question stays good and each later one is bad, naming the first. An outage is thrown, never a verdict.
 */
export async function checkBenchmark(questions: readonly BenchmarkQuestion[], deps: BenchmarkCheckDeps): Promise<BenchmarkCheckResult> {
  const reasons = questions.map(() => [] as string[]);
  const firstById = new Map<string, number>();
  const firstByText = new Map<string, number>();
  questions.forEach((q, i) => {
    const byId = firstById.get(q.id);
    if (byId !== undefined) reasons[i].push(`duplicate id: question ${byId + 1} has the id "${q.id}" too`);
    else firstById.set(q.id, i);
    const text = normaliseQuestion(q.question);
    const byText = firstByText.get(text);
    if (byText !== undefined) reasons[i].push(`duplicate question: same text as "${questions[byText].id}"`);
    else firstByText.set(text, i);
  });

  const limit = pLimit(deps.concurrency ?? 4);
  const fingerprints = await Promise.all(
    questions.map((q, i) =>
      limit(async () => {
        const unsafe = readOnlyQueryProblem(q.expected_sql);
        if (unsafe) {
          reasons[i].push(`expected SQL is not one read-only query (not run): ${unsafe}`);
          return undefined;
        }
        let result: ResultSet;
        try {
          result = await deps.warehouse.query(q.expected_sql, deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {});
        } catch (error) {
          if (isInfrastructureError(error)) throw error;
          reasons[i].push(`expected SQL fails: ${(error as Error).message.split('\n')[0]}`);
          return undefined;
        }
        if (result.rows.length === 0) {
          reasons[i].push('expected SQL returns no rows');
          return undefined;
        }
        return resultFingerprint(result);
      }),
    ),
  );

  const firstByResult = new Map<string, number>();
  fingerprints.forEach((fingerprint, i) => {
    if (fingerprint === undefined) return;
    const first = firstByResult.get(fingerprint);
    if (first !== undefined) reasons[i].push(`same expected result as "${questions[first].id}"`);
    else firstByResult.set(fingerprint, i);
  });

  return {
    good: questions.filter((_, i) => reasons[i].length === 0),
    bad: questions.flatMap((q, i) => (reasons[i].length > 0 ? [{ question_id: q.id, reasons: reasons[i] }] : [])),
  };
}
