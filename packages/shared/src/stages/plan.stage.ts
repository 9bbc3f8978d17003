import { PlannerOutputError } from '../errors/index.ts';
import { FIX_KINDS, type BenchmarkQuestion, type Fix, type Lever, type PlanResult, type QuestionResult, type RejectedFix, type SerializedSpace } from '../schemas/index.ts';
import { guardGrounding, type ColumnValues } from './column-values.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { dedupeFixes, dropPresentFixes, rejectWhere } from './fix-filters.ts';
import { guardLeakage } from './leakage.ts';
import { parsePlannerAnswer } from './planner-answer.ts';
import { buildPlannerPrompt, type TableSchema } from './planner-prompt.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './ports.ts';

export interface PlanDeps {
  model: ChatModel;
  logger?: Logger;
}

export interface PlanInput {
  space: SerializedSpace;
  tableSchemas: TableSchema[];
  /** the questions that failed in the last scoring pass */
  failures: QuestionResult[];
  /** every benchmark question, passing ones included, for the leakage guard */
  benchmark: BenchmarkQuestion[];
  /** fixes of earlier loops that were rolled back, with why: shown to the model (a loop is undone as a whole, so
   *  its good fixes may rightly come back) */
  rejected?: RejectedFix[];
  promptsDir?: string;
  /** distinct values of the space's low-cardinality text columns: shown to the model, and fixes are checked against them */
  columnValues?: ColumnValues[];
  /** the fix kinds this run may use (default: all) */
  levers?: readonly Lever[];
}

/** Drops fixes of a kind the run has switched off, each with the reason. */
export function guardLevers(fixes: readonly Fix[], levers: readonly Lever[]): { kept: Fix[]; rejected: RejectedFix[] } {
  return rejectWhere(fixes, (fix) => (levers.includes(fix.kind) ? undefined : `lever ${fix.kind} is switched off for this run`));
}

function addUsage(total: PlanResult['usage'], response: ChatResponse): PlanResult['usage'] {
  if (!response.usage) return total;
  return {
    prompt_tokens: (total?.prompt_tokens ?? 0) + response.usage.prompt_tokens,
    completion_tokens: (total?.completion_tokens ?? 0) + response.usage.completion_tokens,
  };
}

/** Asks the planner model once for general fixes to all failures, validates them, and filters duplicates and leaks. */
export async function plan(deps: PlanDeps, input: PlanInput): Promise<PlanResult> {
  const logger = deps.logger ?? silentLogger;
  const failures = input.failures.filter((f) => f.verdict !== 'pass');
  if (failures.length === 0) {
    // PlanResult requires a positive attempt count; no model was called
    return { fixes: [], rejected: [], model: 'none', attempts: 1, analysis: 'no failures to plan for' };
  }

  const levers = input.levers ?? FIX_KINDS;
  const columnValues = input.columnValues ?? [];
  const prompt = await buildPlannerPrompt({ ...input, failures, levers, columnValues });
  const request: ChatRequest = { system: prompt.system, user: prompt.user, jsonSchema: { name: 'planner_answer', schema: prompt.schema } };
  let response = await deps.model.complete(request);
  let usage = addUsage(undefined, response);
  let attempts = 1;
  let parsed = parsePlannerAnswer(response.content);
  if (!parsed.ok) {
    logger.warn({ issues: parsed.issues }, 'planner answer invalid, retrying once with the validation error');
    const feedback =
      `Your answer did not match the required JSON schema:\n${parsed.issues}\n\n` +
      'Answer again with only the corrected JSON object.';
    response = await deps.model.complete({
      ...request,
      history: [
        { role: 'assistant', content: response.content },
        { role: 'user', content: feedback },
      ],
    });
    usage = addUsage(usage, response);
    attempts = 2;
    parsed = parsePlannerAnswer(response.content);
    if (!parsed.ok) {
      throw new PlannerOutputError(`planner answer invalid after ${attempts} attempts:\n${parsed.issues}`, response.content, parsed.issues);
    }
  }

  const rejected: RejectedFix[] = [];
  let fixes: Fix[] = parsed.answer.fixes;
  const filters = [
    (f: Fix[]) => guardLevers(f, levers), dedupeFixes, (f: Fix[]) => dropPresentFixes(f, input.space),
    (f: Fix[]) => guardLeakage(f, input.benchmark), (f: Fix[]) => guardGrounding(f, columnValues),
  ];
  for (const filter of filters) {
    const result = filter(fixes);
    fixes = result.kept;
    rejected.push(...result.rejected);
  }
  for (const r of rejected) logger.info({ kind: (r.fix as Fix).kind, reason: r.reason }, 'planner fix rejected');
  logger.info({ proposed: parsed.answer.fixes.length, kept: fixes.length, rejected: rejected.length, attempts }, 'plan done');

  return {
    fixes,
    rejected,
    ...(parsed.answer.analysis !== undefined ? { analysis: parsed.answer.analysis } : {}),
    model: response.model,
    attempts,
    ...(usage ? { usage } : {}),
  };
}
