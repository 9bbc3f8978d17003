import { RunAbortedError } from '../errors/index.ts';
import { parseSerializedSpace, type BenchmarkQuestion, type QuestionResult, type ReasonCode, type ScoreReport, type SerializedSpace } from '../schemas/index.ts';
import { joinLines } from '../schemas/serialized-space.schema.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { backoffDelay, sleep } from '../util/retry.ts';
import type { EvalResultDetails, GenieEvalRuns, GenieSpaces } from './ports.ts';
import { toScoreReport } from './score.stage.ts';
import { normaliseQuestion } from './sql-normalise.ts';

export type NativeAssessment = 'GOOD' | 'BAD' | 'NEEDS_REVIEW';

/** One question as Genie's own evaluation judged it. */
export interface NativeVerdict {
  question_id: string;
  assessment: NativeAssessment;
  reasons: string[];
}

export interface NativeScore {
  /** in our terms (GOOD = pass; BAD and NEEDS_REVIEW = fail), every question of the input, in its order */
  report: ScoreReport;
  native: NativeVerdict[];
  /** questions the space's benchmarks do not hold: the native evaluation cannot score them */
  not_evaluated: string[];
  eval_run_id: string;
}

const TERMINAL = new Set(['DONE', 'EVALUATION_FAILED', 'EVALUATION_CANCELLED', 'EVALUATION_TIMEOUT']);

/** Genie's deterministic assessment reasons in our reason codes (the LLM-judge ones fall to VALUE_DIFFERENCE). */
const REASON_CODES: Record<string, ReasonCode> = {
  EMPTY_RESULT: 'EMPTY_RESULT',
  RESULT_MISSING_ROWS: 'RESULT_MISSING_ROWS',
  RESULT_EXTRA_ROWS: 'RESULT_EXTRA_ROWS',
  RESULT_MISSING_COLUMNS: 'RESULT_MISSING_COLUMNS',
  RESULT_EXTRA_COLUMNS: 'RESULT_EXTRA_COLUMNS',
  SINGLE_CELL_DIFFERENCE: 'SINGLE_CELL_DIFFERENCE',
  COLUMN_TYPE_DIFFERENCE: 'COLUMN_TYPE_DIFFERENCE',
  NO_SQL_RESPONSE: 'NO_SQL',
  QUERY_EXECUTION_ERROR: 'GENIE_SQL_ERROR',
};

/** A native result in our verdict and reason code. */
export function toQuestionResult(question: BenchmarkQuestion, details: EvalResultDetails): QuestionResult {
  const reasons = details.assessment_reasons ?? [];
  const actual = joinLines(details.actual_response);
  const sql = /^\s*(select|with)\b/i.test(actual) ? { genie_sql: actual } : actual ? { genie_text: actual } : {};
  const base = { question_id: question.id, question: question.question, expected_sql: question.expected_sql, duration_ms: 0, ...sql };
  if (details.assessment === 'GOOD') return { ...base, verdict: 'pass', reason_code: 'MATCH', reason: 'Genie\'s evaluation: GOOD' };
  const code = reasons.map((r) => REASON_CODES[r]).find(Boolean) ?? 'VALUE_DIFFERENCE';
  const review = details.assessment === 'NEEDS_REVIEW' ? ' (needs review: counted as a failure)' : '';
  return { ...base, verdict: 'fail', reason_code: code, reason: `Genie's evaluation: ${details.assessment ?? 'no assessment'}${review}${reasons.length ? ` — ${reasons.join(', ')}` : ''}` };
}

/** Our question → the space's benchmark question id: the same id, else the same question text. */
export function benchmarkIds(space: SerializedSpace, questions: readonly BenchmarkQuestion[]): Map<string, string> {
  const items = space.benchmarks?.questions ?? [];
  const out = new Map<string, string>();
  for (const q of questions) {
    const hit = items.find((b) => b.id === q.id) ?? items.find((b) => normaliseQuestion(joinLines(b.question)) === normaliseQuestion(q.question));
    if (hit) out.set(q.id, hit.id);
  }
  return out;
}

/**
 * Scores the questions with Genie's own benchmark evaluation: one eval run over the space's benchmark questions that
 * match ours, polled (1 s doubling to 10 s, with jitter) until it ends or `timeoutMs` passes, then its results read
 * and mapped. A question the space's benchmarks lack, or the run left without a result, is an `error` verdict.
 */
export async function scoreNative(
  deps: { evalRuns: GenieEvalRuns; spaces: GenieSpaces; logger?: Logger },
  input: { spaceId: string; questions: readonly BenchmarkQuestion[]; timeoutMs: number; pollMs?: { initial: number; max: number } },
): Promise<NativeScore> {
  const logger = deps.logger ?? silentLogger;
  const space = parseSerializedSpace((await deps.spaces.get(input.spaceId)).serialized_space);
  const ids = benchmarkIds(space, input.questions);
  const notEvaluated = input.questions.filter((q) => !ids.has(q.id)).map((q) => q.id);
  if (ids.size === 0) throw new RunAbortedError(`native scoring: none of the ${input.questions.length} questions is among space ${input.spaceId}'s benchmarks (add them with \`benchmarks import\`)`);
  let run = await deps.evalRuns.create(input.spaceId, [...new Set(ids.values())]);
  logger.info({ space_id: input.spaceId, eval_run_id: run.eval_run_id, questions: ids.size }, 'native eval run started');
  const deadline = Date.now() + input.timeoutMs;
  const poll = input.pollMs ?? { initial: 1_000, max: 10_000 };
  for (let attempt = 1; !TERMINAL.has(run.eval_run_status); attempt++) {
    if (Date.now() > deadline) throw new RunAbortedError(`native eval run ${run.eval_run_id} did not finish within ${Math.round(input.timeoutMs / 1000)} s (status ${run.eval_run_status})`);
    await sleep(backoffDelay(attempt, poll.initial, poll.max));
    run = await deps.evalRuns.get(input.spaceId, run.eval_run_id);
  }
  if (run.eval_run_status !== 'DONE') throw new RunAbortedError(`native eval run ${run.eval_run_id} ended ${run.eval_run_status}`);
  const details = await deps.evalRuns.results(input.spaceId, run.eval_run_id);
  const byBenchmark = new Map(details.map((d) => [d.benchmark_question_id, d]));
  const native: NativeVerdict[] = [];
  const results = input.questions.map((q): QuestionResult => {
    const found = ids.has(q.id) ? byBenchmark.get(ids.get(q.id)!) : undefined;
    if (!found) {
      const reason = ids.has(q.id) ? 'Genie\'s evaluation returned no result for it (no SQL answer to score automatically?)' : 'not among the space\'s benchmark questions: Genie\'s evaluation cannot score it';
      return { question_id: q.id, question: q.question, expected_sql: q.expected_sql, duration_ms: 0, verdict: 'error', reason_code: 'INTERNAL_ERROR', reason };
    }
    const assessment = (['GOOD', 'BAD', 'NEEDS_REVIEW'] as const).find((a) => a === found.assessment) ?? 'NEEDS_REVIEW';
    native.push({ question_id: q.id, assessment, reasons: found.assessment_reasons ?? [] });
    return toQuestionResult(q, found);
  });
  logger.info({ eval_run_id: run.eval_run_id, evaluated: native.length, not_evaluated: notEvaluated.length }, 'native eval run read');
  return { report: toScoreReport(results), native, not_evaluated: notEvaluated, eval_run_id: run.eval_run_id };
}

/** How our comparison and Genie's evaluation judged the same pass. */
export interface Agreement {
  /** counts by our verdict (pass / fail: every other verdict) and the native assessment */
  table: Record<'pass' | 'fail', Record<NativeAssessment, number>>;
  /** questions judged one way by us and the other way natively (NEEDS_REVIEW counts as neither) */
  differing: { question_id: string; question: string; ours: string; ours_reason: string; native: NativeAssessment; native_reasons: string[] }[];
  /** share of the clear cases (native GOOD or BAD) where both agree */
  agreement: number | null;
}

export function agreementOf(ours: readonly QuestionResult[], native: readonly NativeVerdict[]): Agreement {
  const table: Agreement['table'] = { pass: { GOOD: 0, BAD: 0, NEEDS_REVIEW: 0 }, fail: { GOOD: 0, BAD: 0, NEEDS_REVIEW: 0 } };
  const differing: Agreement['differing'] = [];
  let clear = 0;
  let agreed = 0;
  for (const n of native) {
    const our = ours.find((r) => r.question_id === n.question_id);
    if (!our) continue;
    const side = our.verdict === 'pass' ? 'pass' : 'fail';
    table[side][n.assessment]++;
    if (n.assessment === 'NEEDS_REVIEW') continue;
    clear++;
    if ((side === 'pass') === (n.assessment === 'GOOD')) agreed++;
    else differing.push({ question_id: n.question_id, question: our.question, ours: our.verdict, ours_reason: our.reason_code, native: n.assessment, native_reasons: n.reasons });
  }
  return { table, differing, agreement: clear ? agreed / clear : null };
}
