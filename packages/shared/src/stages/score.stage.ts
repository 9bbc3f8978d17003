import pLimit from 'p-limit';
import { compareResults, hasOuterOrderBy, type CompareOptions } from '../compare/index.ts';
import { isInfrastructureError, QuestionTimeoutError, RateLimitedError, SqlExecutionError, TimeoutError } from '../errors/index.ts';
import type { BenchmarkQuestion, QuestionResult, ScoreReport } from '../schemas/index.ts';
import { withRetry } from '../util/retry.ts';
import { refuseUnsafeGenieSql } from './genie-sql-guard.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import type { GenieAnswer, GenieConversations, ResultSet, SqlWarehouse } from './ports.ts';

export interface ScoreDeps {
  genie: GenieConversations;
  warehouse: SqlWarehouse;
  logger?: Logger;
}

export interface ScoreQuestionInput {
  spaceId: string;
  question: BenchmarkQuestion;
  timeoutMs: number;
  compare?: CompareOptions;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error }));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Scores one benchmark question: asks Genie and runs the expected SQL concurrently, runs Genie's SQL, compares.
 * A RateLimitedError is rethrown so the caller can wait and retry without losing the question.
 */
export async function scoreQuestion(deps: ScoreDeps, input: ScoreQuestionInput): Promise<QuestionResult> {
  const started = Date.now();
  const { question } = input;
  const base = { question_id: question.id, question: question.question, expected_sql: question.expected_sql };
  const done = (result: Omit<QuestionResult, 'question_id' | 'question' | 'expected_sql' | 'duration_ms'>): QuestionResult => ({ ...base, ...result, duration_ms: Date.now() - started });

  const [expected, answer] = await Promise.all([
    settle(deps.warehouse.query(question.expected_sql, { timeoutMs: input.timeoutMs })),
    settle(deps.genie.ask(input.spaceId, question.question, { timeoutMs: input.timeoutMs })),
  ]);
  if (!answer.ok && (answer.error instanceof RateLimitedError || isInfrastructureError(answer.error))) throw answer.error;
  // only a real SQL error of the expected SQL blames the benchmark; an outage fails the job instead
  if (!expected.ok && !(expected.error instanceof SqlExecutionError)) throw expected.error;
  if (!expected.ok) return done({ verdict: 'error', reason_code: 'BENCHMARK_SQL_ERROR', reason: `The expected SQL failed: ${message(expected.error)}` });
  if (expected.value.rows.length === 0) return done({ verdict: 'error', reason_code: 'EMPTY_GOOD_SQL', reason: 'The expected SQL returns no rows; fix the benchmark.' });
  if (!answer.ok) {
    if (answer.error instanceof QuestionTimeoutError) return done({ verdict: 'timeout', reason_code: 'GENIE_TIMEOUT', reason: message(answer.error) });
    return done({ verdict: 'error', reason_code: 'INTERNAL_ERROR', reason: message(answer.error) });
  }
  return done(await judgeAnswer(deps, answer.value, expected.value, input));
}

async function judgeAnswer(deps: ScoreDeps, answer: GenieAnswer, expected: ResultSet, input: ScoreQuestionInput) {
  const ids = { conversation_id: answer.conversation_id, message_id: answer.message_id, genie_sql: answer.sql, genie_text: answer.text };
  if (answer.status !== 'COMPLETED') {
    return { ...ids, verdict: 'fail' as const, reason_code: 'GENIE_FAILED' as const, reason: `Genie ended ${answer.status}${answer.error ? `: ${answer.error}` : ''}` };
  }
  if (!answer.sql) return { ...ids, verdict: 'fail' as const, reason_code: 'NO_SQL' as const, reason: answer.text ?? 'Genie answered without SQL.' };
  const refused = refuseUnsafeGenieSql(answer.sql);
  if (refused) return { ...ids, verdict: 'fail' as const, reason_code: 'GENIE_SQL_ERROR' as const, reason: refused };
  let actual: ResultSet;
  try {
    actual = await deps.warehouse.query(answer.sql, { timeoutMs: input.timeoutMs });
  } catch (error) {
    if (isInfrastructureError(error) && !(error instanceof TimeoutError)) throw error;
    return { ...ids, verdict: 'fail' as const, reason_code: 'GENIE_SQL_ERROR' as const, reason: `Genie's SQL failed: ${message(error)}` };
  }
  const comparison = compareResults(expected, actual, { orderMatters: hasOuterOrderBy(input.question.expected_sql), ...input.compare });
  return { ...ids, verdict: comparison.match ? ('pass' as const) : ('fail' as const), reason_code: comparison.reason_code, reason: comparison.reason };
}

export interface ScoreBenchmarkInput {
  spaceId: string;
  questions: BenchmarkQuestion[];
  /** each question asked this many times, each in a fresh conversation (default 1) */
  repeats?: number;
  /** questions in flight at once; 1 = sequential (--no-batch) */
  concurrency: number;
  timeoutMs: number;
  compare?: CompareOptions;
  onResult?: (result: QuestionResult, done: number, total: number) => void;
  rateLimitRetry?: { attempts: number; baseDelayMs: number; maxDelayMs: number };
}

/** Scores every question with bounded concurrency; a rate-limited question waits (Retry-After) and retries. */
export async function scoreBenchmark(deps: ScoreDeps, input: ScoreBenchmarkInput): Promise<ScoreReport> {
  const logger = deps.logger ?? silentLogger;
  const limit = pLimit(Math.max(1, input.concurrency));
  const retry = input.rateLimitRetry ?? { attempts: 20, baseDelayMs: 1_000, maxDelayMs: 60_000 };
  let done = 0;
  const asks = repeatedQuestions(input.questions, input.repeats ?? 1);
  const results = await Promise.all(
    asks.map(({ question, repeat }) =>
      limit(async () => {
        const result = await withRetry(() => scoreQuestion(deps, { spaceId: input.spaceId, question, timeoutMs: input.timeoutMs, compare: input.compare }), {
          ...retry,
          isRetryable: (error) => error instanceof RateLimitedError,
          onRetry: ({ attempt, delayMs }) => logger.warn({ question_id: question.id, attempt, delayMs }, 'genie rate limited; waiting'),
        });
        const repeated = (input.repeats ?? 1) > 1 ? { ...result, repeat } : result;
        input.onResult?.(repeated, ++done, asks.length);
        return repeated;
      }),
    ),
  );
  return toScoreReport(results);
}

/** Every (question, repeat) of a pass, in job-index order: repeat r of question i is index i × repeats + r. */
export function repeatedQuestions<Q>(questions: readonly Q[], repeats: number): { question: Q; repeat: number }[] {
  return questions.flatMap((question) => Array.from({ length: repeats }, (_, repeat) => ({ question, repeat })));
}

/** score = passed / total over every question of the pass, whatever its verdict. */
export function toScoreReport(results: QuestionResult[]): ScoreReport {
  const passed = results.filter((r) => r.verdict === 'pass').length;
  return { score: results.length ? passed / results.length : 0, passed, total: results.length, results };
}
