import type { ApplyRecord, PlanRecord, QuestionOutcome } from '../engine/run-state.ts';
import { parseSerializedSpace, type BenchmarkQuestion, type Fix, type QuestionResult, type RejectedFix, type RunConfig } from '../schemas/index.ts';
import { applyFixes } from '../stages/apply.stage.ts';
import { rollbackSpace } from '../stages/rollback.stage.ts';
import { plan } from '../stages/plan.stage.ts';
import type { ChatModel, GenieSpaces, SqlWarehouse } from '../stages/ports.ts';
import { describeSpaceTables } from '../stages/table-schemas.ts';
import type { Logger } from '../util/logger.ts';

/** The clients a run's plan and apply commands use, whichever driver runs them. */
export interface StepDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  model: ChatModel;
  logger: Logger;
  /** planner prompt templates other than the packaged ones */
  promptsDir?: string;
}

/** What the engine needs of each question's result. */
export const outcomesOf = (results: readonly QuestionResult[]): QuestionOutcome[] =>
  results.map((r) => ({ question_id: r.question_id, verdict: r.verdict, reason_code: r.reason_code }));

/** The plan command: the space as it is now, its tables' columns, one planner call over the given failures. */
export async function planLoop(
  deps: StepDeps,
  input: { config: RunConfig; failures: QuestionResult[]; benchmark: BenchmarkQuestion[]; rejected?: RejectedFix[] },
): Promise<PlanRecord> {
  const space = parseSerializedSpace((await deps.spaces.get(input.config.space_id)).serialized_space);
  const result = await plan(
    { model: deps.model, logger: deps.logger },
    {
      space,
      tableSchemas: await describeSpaceTables(deps.warehouse, space, deps.logger),
      failures: input.failures,
      benchmark: input.benchmark,
      rejected: input.rejected ?? [],
      ...(deps.promptsDir ? { promptsDir: deps.promptsDir } : {}),
    },
  );
  return { proposed: result.fixes, rejected: result.rejected, model: result.model, ...(result.analysis ? { analysis: result.analysis } : {}) };
}

/** The apply command: every fix in one space update; returns the record and the configuration it replaced. */
export async function applyLoop(deps: StepDeps, input: { config: RunConfig; fixes: Fix[] }): Promise<{ record: ApplyRecord; backup: string }> {
  const result = await applyFixes({ spaces: deps.spaces, warehouse: deps.warehouse, logger: deps.logger }, { spaceId: input.config.space_id, fixes: input.fixes });
  return { record: { applied: result.applied, skipped: result.skipped, metric_views_created: result.metric_views_created }, backup: result.backup_serialized_space };
}

/** The rollback command: the snapshot from before the loop back in place (verified), its metric views dropped. */
export async function rollbackLoop(deps: StepDeps, input: { config: RunConfig; snapshot: string; metricViews: readonly string[] }): Promise<void> {
  await rollbackSpace({ spaces: deps.spaces, warehouse: deps.warehouse, logger: deps.logger }, { spaceId: input.config.space_id, snapshot: input.snapshot, metricViews: input.metricViews });
}
