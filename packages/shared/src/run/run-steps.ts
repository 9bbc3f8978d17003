import type { ApplyRecord, ExcludedQuestion, PlanRecord, QuestionOutcome } from '../engine/run-state.ts';
import { checkBenchmark } from '../stages/benchmark-check.stage.ts';
import { preflight } from '../stages/preflight.stage.ts';
import { parseSerializedSpace, type ApplyResult, type BenchmarkQuestion, type Fix, type QuestionResult, type Lever, type RejectedFix, type RunConfig } from '../schemas/index.ts';
import { applyFixes } from '../stages/apply.stage.ts';
import { RunAbortedError } from '../errors/index.ts';
import { canonicalSpace, rollbackSpace } from '../stages/rollback.stage.ts';
import { spaceHash, stageCopy } from '../stages/staging.stage.ts';
import { plan } from '../stages/plan.stage.ts';
import type { ChatModel, GenieSpaces, SqlWarehouse } from '../stages/ports.ts';
import { describeSpaceTables } from '../stages/table-schemas.ts';
import { sampleColumnValues } from '../stages/column-values.ts';
import type { Logger } from '../util/logger.ts';

/** The clients a run's plan and apply commands use, whichever driver runs them. */
export interface StepDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  /** where benchmark and Genie SQL run (a read-only principal's connection); default `warehouse` */
  benchmarkWarehouse?: SqlWarehouse;
  model: ChatModel;
  logger: Logger;
  /** planner prompt templates other than the packaged ones */
  promptsDir?: string;
}

/** What the engine needs of each question's results, its repeats grouped in order (question order kept). */
export function outcomesOf(results: readonly QuestionResult[]): QuestionOutcome[] {
  const byQuestion = new Map<string, QuestionResult[]>();
  for (const r of results) byQuestion.set(r.question_id, [...(byQuestion.get(r.question_id) ?? []), r]);
  return [...byQuestion.entries()].map(([question_id, all]) => {
    const repeats = [...all].sort((a, b) => (a.repeat ?? 0) - (b.repeat ?? 0));
    const failed = repeats.find((r) => r.verdict !== 'pass');
    return {
      question_id,
      verdict: failed?.verdict ?? 'pass',
      reason_code: failed?.reason_code ?? 'MATCH',
      passes: repeats.filter((r) => r.verdict === 'pass').length,
      repeats: repeats.map((r) => r.verdict === 'pass'),
    };
  });
}

/** The results the planner is shown: for each wanted question, its first repeat that did not pass. */
export function failuresFor(results: readonly QuestionResult[], ids: readonly string[]): QuestionResult[] {
  const first = new Map<string, QuestionResult>();
  for (const r of [...results].sort((a, b) => (a.repeat ?? 0) - (b.repeat ?? 0))) {
    if (r.verdict !== 'pass' && !first.has(r.question_id)) first.set(r.question_id, r);
  }
  return ids.flatMap((id) => (first.has(id) ? [first.get(id)!] : []));
}

/** The plan command: the space as it is now, its tables' columns, one planner call over the given failures. */
export async function planLoop(
  deps: StepDeps,
  input: { spaceId: string; failures: QuestionResult[]; benchmark: BenchmarkQuestion[]; rejected?: RejectedFix[]; levers?: readonly Lever[] },
): Promise<PlanRecord> {
  const current = (await deps.spaces.get(input.spaceId)).serialized_space;
  const space = parseSerializedSpace(current);
  const tableSchemas = await describeSpaceTables(deps.warehouse, space, deps.logger);
  const tables = new Set((space.data_sources?.tables ?? []).map((t) => t.identifier.toLowerCase()));
  const result = await plan(
    { model: deps.model, logger: deps.logger },
    {
      space,
      tableSchemas,
      columnValues: await sampleColumnValues(deps.warehouse, tableSchemas.filter((t) => tables.has(t.identifier.toLowerCase())), deps.logger),
      ...(input.levers ? { levers: input.levers } : {}),
      failures: input.failures,
      benchmark: input.benchmark,
      rejected: input.rejected ?? [],
      ...(deps.promptsDir ? { promptsDir: deps.promptsDir } : {}),
    },
  );
  return { proposed: result.fixes, rejected: result.rejected, model: result.model, ...(result.analysis ? { analysis: result.analysis } : {}), space_hash: spaceHash(current) };
}

/** The apply command: every fix in one space update; returns the record and the configuration it replaced. */
export interface AppliedLoop {
  record: ApplyRecord;
  backup: string;
  after: string;
}

const appliedLoop = (result: ApplyResult): AppliedLoop => ({
  record: { applied: result.applied, skipped: result.skipped, metric_views_created: result.metric_views_created, ...(result.sql_functions_created?.length ? { sql_functions_created: result.sql_functions_created } : {}) },
  backup: result.backup_serialized_space,
  after: result.serialized_space,
});

/**
 * The apply command, exactly once in effect: an `intent` stored by an earlier attempt whose write already reached
 * the space (the space now equals what it meant to write) is taken as done; otherwise the fixes are applied and
 * `remember` stores the new intent just before the write. A space that is no longer the one the fixes were planned
 * against (`plannedOn`), or that changes between the read and the write (etag), is a SpaceConflictError: nothing
 * is written and the engine has the loop planned again.
 */
export async function applyLoop(
  deps: StepDeps,
  input: { spaceId: string; fixes: Fix[]; plannedOn?: string; intent?: AppliedLoop; remember?: (intent: AppliedLoop) => Promise<void> },
): Promise<AppliedLoop> {
  if (input.intent) {
    const now = await deps.spaces.get(input.spaceId);
    if (canonicalSpace(now.serialized_space) === canonicalSpace(input.intent.after)) {
      deps.logger.warn({ space_id: input.spaceId }, 'the update of an earlier attempt had landed; not applying the fixes again');
      return input.intent;
    }
  }
  const result = await applyFixes(
    { spaces: deps.spaces, warehouse: deps.warehouse, logger: deps.logger },
    {
      spaceId: input.spaceId,
      fixes: input.fixes,
      ...(input.plannedOn ? { plannedOn: input.plannedOn } : {}),
      ...(input.remember ? { beforeWrite: (intent) => input.remember!(appliedLoop(intent)) } : {}),
    },
  );
  return appliedLoop(result);
}

/** The rollback command: the snapshot from before the loop back in place (verified), its metric views and SQL functions dropped. */
export async function rollbackLoop(deps: StepDeps, input: { spaceId: string; snapshot: string; metricViews: readonly string[]; sqlFunctions?: readonly string[] }): Promise<void> {
  await rollbackSpace(
    { spaces: deps.spaces, warehouse: deps.warehouse, logger: deps.logger },
    { spaceId: input.spaceId, snapshot: input.snapshot, metricViews: input.metricViews, ...(input.sqlFunctions ? { sqlFunctions: input.sqlFunctions } : {}) },
  );
}

/** The stage command: the run's staging copy of the original, found again or created. */
export async function stageLoop(deps: StepDeps, input: { spaceId: string; runId: string }): Promise<{ spaceId: string; original: string; originalHash: string }> {
  const staged = await stageCopy(deps, input);
  return { ...staged, originalHash: spaceHash(staged.original) };
}


/** The configuration a restore of `loop` puts back: 0 = the space before the run, else what that loop left. */
export function restoreSnapshot(saved: { backups: Record<number, string>; snapshots: Record<number, string> }, loop: number): string | undefined {
  if (loop > 0) return saved.snapshots[loop];
  const first = Math.min(...Object.keys(saved.backups).map(Number));
  return saved.backups[0] ?? (Number.isFinite(first) ? saved.backups[first] : undefined);
}

/** The restore command: a snapshot onto the original space, written with its etag and verified. */
export async function restoreLoop(deps: StepDeps, input: { spaceId: string; snapshot: string | undefined; loop: number }): Promise<void> {
  if (input.snapshot === undefined) throw new RunAbortedError(`no snapshot of loop ${input.loop} was kept`);
  await rollbackSpace({ spaces: deps.spaces, warehouse: deps.warehouse, logger: deps.logger }, { spaceId: input.spaceId, snapshot: input.snapshot, metricViews: [] });
}



/**
 * The preflight command: the workspace, space, warehouse and endpoint checks, then the benchmark check; the
 * questions it finds unfit (SQL that fails or returns nothing, repeated questions or results) are left out.
 */
export async function preflightLoop(deps: StepDeps, input: { config: RunConfig; questions: readonly BenchmarkQuestion[] }): Promise<ExcludedQuestion[]> {
  await preflight(deps, input.config);
  const { bad } = await checkBenchmark(input.questions, { warehouse: deps.benchmarkWarehouse ?? deps.warehouse, timeoutMs: input.config.question_timeout_s * 1000 });
  for (const b of bad) deps.logger.warn({ question_id: b.question_id, reasons: b.reasons }, 'benchmark question left out of the score');
  return bad;
}
