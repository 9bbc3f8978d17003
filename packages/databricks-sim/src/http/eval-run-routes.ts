import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { joinLines, parseSerializedSpace } from '@genie-enhancer/shared';
import { SimSqlError, type SqlEngine } from '../catalog.types.ts';
import { assess, type Assessment } from '../genie/eval-assessment.ts';
import { answerQuestion } from '../genie/genie-engine.ts';
import type { GenieNoise } from '../genie/noise.ts';
import { sendError } from './errors.ts';
import type { SpaceStore } from './space-store.ts';
import { statementResponse } from './statement-response.ts';

type RunStatus = 'NOT_STARTED' | 'RUNNING' | 'DONE' | 'EVALUATION_FAILED';

interface EvalResult {
  result_id: string;
  space_id: string;
  benchmark_question_id: string;
  eval_run_status: RunStatus;
  assessment: Assessment;
  assessment_reasons: string[];
  manual_assessment: boolean;
  expected_response: string[];
  actual_response: string[];
}

interface EvalRun {
  eval_run_id: string;
  space_id: string;
  eval_run_status: RunStatus;
  run_by_user: number;
  created_timestamp: number;
  last_updated_timestamp: number;
  num_questions: number;
  num_correct: number;
  num_needs_review: number;
  num_done: number;
  results: EvalResult[];
}

const id = () => randomUUID().replace(/-/g, '');
const encodePage = (n: number) => Buffer.from(`results:${n}`).toString('base64url');
const decodePage = (token: string) => { const m = /^results:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8')); return m ? Number(m[1]) : undefined; };

/**
 * Genie's benchmark evaluation API (Beta): an eval run asks each benchmark question of the space in a fresh
 * conversation (the same simulated Genie as the Conversation API, the space as it is when the run starts), runs
 * Genie's SQL and the benchmark's SQL answer, and assesses the result (GOOD, BAD, NEEDS_REVIEW with reasons).
 * Runs proceed in the background, `latencyMs` per question, so a client polls the run until DONE.
 */
export function registerEvalRunRoutes(app: FastifyInstance, deps: { engine: SqlEngine; spaces: SpaceStore; latencyMs: number; noise?: GenieNoise }): void {
  const runs = new Map<string, EvalRun>();
  const prefix = '/api/2.0/genie/spaces/:id/eval-runs';
  const publicRun = ({ results: _results, space_id: _space, ...run }: EvalRun) => run;

  async function evaluate(run: EvalRun, questions: { id: string; question: string; sql?: string }[], serialized: string): Promise<void> {
    const space = parseSerializedSpace(serialized);
    run.eval_run_status = 'RUNNING';
    for (const q of questions) {
      await new Promise((resolve) => setTimeout(resolve, deps.latencyMs));
      const catalog = await deps.engine.catalog();
      const base = { result_id: id(), space_id: run.space_id, benchmark_question_id: q.id, eval_run_status: 'DONE' as const, manual_assessment: false };
      const expectedResult = q.sql ? await deps.engine.execute(q.sql).catch(() => undefined) : undefined;
      if (!expectedResult) continue; // only questions with a working SQL answer are scored automatically
      const expected = statementResponse(expectedResult).result.data_array;
      const answer = answerQuestion(space, catalog, q.question);
      const reply = deps.noise ? deps.noise.apply(run.space_id, q.question, answer, catalog) : answer;
      let actual: Parameters<typeof assess>[2];
      if (reply.kind === 'query') {
        try {
          const result = statementResponse(await deps.engine.execute(reply.sql));
          actual = { rows: result.result.data_array, width: result.manifest.schema.column_count };
        } catch (error) {
          if (!(error instanceof SimSqlError)) throw error;
          actual = { error: error.message };
        }
      }
      const judged = assess(expected, expectedResult.columns.length, actual);
      run.results.push({
        ...base, assessment: judged.assessment, assessment_reasons: judged.reasons,
        expected_response: [q.sql!], actual_response: reply.kind === 'query' ? [reply.sql] : [reply.text],
      });
      run.num_done++;
      if (judged.assessment === 'GOOD') run.num_correct++;
      if (judged.assessment === 'NEEDS_REVIEW') run.num_needs_review++;
      run.last_updated_timestamp = Date.now();
    }
    run.num_questions = run.results.length;
    run.eval_run_status = 'DONE';
    run.last_updated_timestamp = Date.now();
  }

  const spaceGone = (spaceId: string, reply: Parameters<typeof sendError>[0]) =>
    deps.spaces.get(spaceId) ? undefined : sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Space ${spaceId} does not exist.`);
  const runOf = (spaceId: string, runId: string) => { const run = runs.get(runId); return run && run.space_id === spaceId ? run : undefined; };

  app.post<{ Params: { id: string }; Body: { benchmark_question_ids?: unknown } }>(prefix, async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    const wanted = request.body?.benchmark_question_ids;
    if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((x) => typeof x !== 'string'))) {
      return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'benchmark_question_ids must be a list of strings.');
    }
    const serialized = deps.spaces.get(request.params.id)!.serialized_space;
    const all = (parseSerializedSpace(serialized).benchmarks?.questions ?? []).map((q) => ({
      id: q.id, question: joinLines(q.question), sql: q.answer?.find((a) => a.format === 'SQL')?.content.join(''),
    }));
    const unknown = (wanted as string[] | undefined)?.find((w) => !all.some((q) => q.id === w));
    if (unknown) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `Benchmark question ${unknown} is not in the space.`);
    const questions = wanted ? all.filter((q) => (wanted as string[]).includes(q.id)) : all;
    if (questions.length === 0) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'The space has no benchmark questions to evaluate.');
    const now = Date.now();
    const run: EvalRun = {
      eval_run_id: id(), space_id: request.params.id, eval_run_status: 'NOT_STARTED', run_by_user: 1, created_timestamp: now, last_updated_timestamp: now,
      num_questions: questions.length, num_correct: 0, num_needs_review: 0, num_done: 0, results: [],
    };
    runs.set(run.eval_run_id, run);
    evaluate(run, questions, serialized).catch(() => { run.eval_run_status = 'EVALUATION_FAILED'; });
    return publicRun(run);
  });

  app.get<{ Params: { id: string } }>(prefix, async (request, reply) => {
    if (spaceGone(request.params.id, reply)) return reply;
    return { eval_runs: [...runs.values()].filter((r) => r.space_id === request.params.id).map(publicRun) };
  });

  app.get<{ Params: { id: string; run: string } }>(`${prefix}/:run`, async (request, reply) => {
    const run = runOf(request.params.id, request.params.run);
    return run ? publicRun(run) : sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Eval run ${request.params.run} does not exist.`);
  });

  app.get<{ Params: { id: string; run: string }; Querystring: { page_size?: string; page_token?: string } }>(`${prefix}/:run/results`, async (request, reply) => {
    const run = runOf(request.params.id, request.params.run);
    if (!run) return sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Eval run ${request.params.run} does not exist.`);
    const size = Math.min(Number(request.query.page_size) || 50, 50);
    const from = request.query.page_token ? decodePage(request.query.page_token) : 0;
    if (from === undefined) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page_token.');
    const page = run.results.slice(from, from + size).map(({ result_id, benchmark_question_id, eval_run_status, assessment }) => ({ result_id, benchmark_question_id, eval_run_status, assessment }));
    return { eval_results: page, ...(from + size < run.results.length ? { next_page_token: encodePage(from + size) } : {}) };
  });

  app.get<{ Params: { id: string; run: string; result: string } }>(`${prefix}/:run/results/:result`, async (request, reply) => {
    const result = runOf(request.params.id, request.params.run)?.results.find((r) => r.result_id === request.params.result);
    return result ?? sendError(reply, 404, 'RESOURCE_DOES_NOT_EXIST', `Eval result ${request.params.result} does not exist.`);
  });
}
