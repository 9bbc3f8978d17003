import { randomUUID } from 'node:crypto';
import { parseSerializedSpace, type BenchmarkQuestion, type QuestionResult, type ReasonCode, type RunConfig, type ScoreReport } from '../schemas/index.ts';
import { applyFixes } from '../stages/apply.stage.ts';
import { plan } from '../stages/plan.stage.ts';
import type { TableSchema } from '../stages/planner-prompt.ts';
import type { ChatModel, GenieConversations, GenieSpaces, SqlWarehouse } from '../stages/ports.ts';
import { scoreBenchmark } from '../stages/score.stage.ts';
import { validate } from '../stages/validate.stage.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { countByKind, type LoopEvent, type LoopRecord, type RunSummary } from './loop-events.ts';
import { describeSpaceTables } from './table-schemas.ts';

export interface LoopDeps {
  genie: GenieConversations;
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  model: ChatModel;
  logger?: Logger;
}

export interface LoopInput {
  config: RunConfig;
  questions: BenchmarkQuestion[];
  onEvent?: (event: LoopEvent) => void;
  /** overrides the repository's prompts/ folder */
  promptsDir?: string;
}

// A broken benchmark is not something a space fix can repair, so the planner never sees these.
const NOT_PLANNABLE = new Set<ReasonCode>(['BENCHMARK_SQL_ERROR', 'EMPTY_GOOD_SQL', 'INTERNAL_ERROR']);

/** Failures worth planning fixes for. */
export function plannableFailures(report: ScoreReport): QuestionResult[] {
  return report.results.filter((r) => r.verdict !== 'pass' && !NOT_PLANNABLE.has(r.reason_code));
}

/** The inline enhancement loop: score a baseline, then plan → apply → re-score → decide until a stop decision. */
export async function runEnhancementLoop(deps: LoopDeps, input: LoopInput): Promise<RunSummary> {
  const { config, questions } = input;
  const runId = randomUUID();
  const logger = (deps.logger ?? silentLogger).child({ runId });
  const emit = input.onEvent ?? (() => {});

  const score = async (loop: number): Promise<ScoreReport> => {
    let done = 0;
    emit({ type: 'stage_start', loop, stage: 'score', total: questions.length });
    const report = await scoreBenchmark(
      { genie: deps.genie, warehouse: deps.warehouse, logger },
      {
        spaceId: config.space_id,
        questions,
        concurrency: config.batch ? config.genie_concurrency : 1,
        timeoutMs: config.question_timeout_s * 1000,
        onResult: () => emit({ type: 'stage_progress', loop, stage: 'score', done: ++done, total: questions.length }),
      },
    );
    emit({ type: 'stage_end', loop, stage: 'score', summary: `${report.passed}/${report.total} passed (${(report.score * 100).toFixed(1)}%)` });
    return report;
  };

  const baseline = await score(0);
  const loops: LoopRecord[] = [{
    loop: 0, score_before: baseline.score, fixes_applied: 0, fixes_rejected: 0, fixes_by_kind: countByKind([]),
    applied: [], rejected: [], fixed: [], regressed: [],
    decision: baseline.score >= config.target_score ? 'target_reached' : 'next_loop', report: baseline,
  }];
  emit({ type: 'loop_end', loop: 0, score_before: baseline.score, decision: loops[0].decision });
  const backups: string[] = [];
  let previous = baseline;
  let tableSchemas: TableSchema[] | undefined;

  for (let loop = 1; loop <= config.max_loops && loops.at(-1)!.decision === 'next_loop'; loop++) {
    const failures = plannableFailures(previous);
    emit({ type: 'stage_start', loop, stage: 'plan', total: 1 });
    const space = parseSerializedSpace((await deps.spaces.get(config.space_id)).serialized_space);
    tableSchemas ??= await describeSpaceTables(deps.warehouse, space, logger);
    const planned = await plan(
      { model: deps.model, logger },
      { space, tableSchemas, failures, benchmark: questions, ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}) },
    );
    emit({ type: 'stage_end', loop, stage: 'plan', summary: `${planned.fixes.length} fixes proposed, ${planned.rejected.length} rejected` });

    emit({ type: 'stage_start', loop, stage: 'apply', total: planned.fixes.length });
    const applied = planned.fixes.length > 0 ? await applyFixes({ spaces: deps.spaces, warehouse: deps.warehouse, logger }, { spaceId: config.space_id, fixes: planned.fixes }) : undefined;
    if (applied && applied.applied.length > 0) backups.push(applied.backup_serialized_space);
    const appliedFixes = applied?.applied ?? [];
    const rejected = [...planned.rejected, ...(applied?.skipped ?? [])];
    emit({ type: 'stage_end', loop, stage: 'apply', summary: `${appliedFixes.length} applied, ${applied?.skipped.length ?? 0} skipped` });

    const record = { loop, score_before: previous.score, fixes_applied: appliedFixes.length, fixes_rejected: rejected.length, fixes_by_kind: countByKind(appliedFixes), applied: appliedFixes, rejected };
    if (appliedFixes.length === 0) {
      // nothing changed, so re-scoring would only measure Genie's noise
      loops.push({ ...record, fixed: [], regressed: [], decision: 'no_fixes', report: previous });
      emit({ type: 'loop_end', loop, score_before: previous.score, decision: 'no_fixes' });
      break;
    }
    const current = await score(loop);
    const verdict = validate({ previous, current, loop, maxLoops: config.max_loops, targetScore: config.target_score, fixesApplied: appliedFixes.length });
    loops.push({ ...record, score_after: current.score, fixed: verdict.fixed, regressed: verdict.regressed, decision: verdict.decision, report: current });
    emit({ type: 'loop_end', loop, score_before: previous.score, score_after: current.score, decision: verdict.decision });
    logger.info({ loop, before: previous.score, after: current.score, decision: verdict.decision, fixed: verdict.fixed.length, regressed: verdict.regressed.length }, 'loop done');
    previous = current;
  }

  const last = loops.at(-1)!;
  const finalScore = last.report.score;
  return {
    run_id: runId,
    loops,
    initial_score: baseline.score,
    final_score: finalScore,
    target_reached: finalScore >= config.target_score,
    decision: last.decision,
    backups,
  };
}
