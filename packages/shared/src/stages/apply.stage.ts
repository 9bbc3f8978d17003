import { parseSerializedSpace, type ApplyResult, type Fix, type RejectedFix } from '../schemas/index.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { DatabricksApiError, SpaceConflictError } from '../errors/index.ts';
import { metricViewDdl } from './metric-view-ddl.ts';
import { spaceHash } from './staging.stage.ts';
import type { GenieSpaces, SqlWarehouse } from './ports.ts';
import { mergeFixes, withoutMetricViews, type MergeOptions, type MergeResult } from './space-merge.ts';
import { limitViolations } from './space-layout.ts';
import { sqlFunctionDdl } from './sql-function-ddl.ts';
import type { SerializedSpace } from '../schemas/index.ts';

export interface ApplyDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  logger?: Logger;
}

export interface ApplyInput {
  spaceId: string;
  fixes: Fix[];
  /**
   * Called with the whole outcome just before the one PATCH: a driver that stores it can recognise, after a crash
   * right after the write, that the space already holds `serialized_space`, instead of applying the fixes again.
   */
  beforeWrite?: (intent: ApplyResult) => Promise<void>;
  /** hash (spaceHash) of the configuration the fixes were planned against: any other is a SpaceConflictError */
  plannedOn?: string;
}

/**
 * Merges all fixes into the space and writes it back with ONE PATCH (guarded by the etag read with it), after
 * creating any metric views and SQL functions on the warehouse. The space as it was is returned byte for byte for rollback.
 */
export async function applyFixes(deps: ApplyDeps, input: ApplyInput): Promise<ApplyResult> {
  const logger = deps.logger ?? silentLogger;
  const current = await deps.spaces.get(input.spaceId);
  const backup = current.serialized_space;
  if (input.plannedOn !== undefined && spaceHash(backup) !== input.plannedOn) {
    throw new SpaceConflictError(`space ${input.spaceId} changed since the loop was planned`);
  }
  const merged = withinLimits(parseSerializedSpace(backup), input.fixes, mergeOptionsFromEnv());
  const skipped: RejectedFix[] = [...merged.skipped];
  let applied = merged.applied;
  let space = merged.space;

  const created: string[] = [];
  const functionsCreated: string[] = [];
  // a function the space listed before the loop is not the loop's to drop on a rollback (CREATE OR REPLACE kept it)
  const listedBefore = new Set((parseSerializedSpace(backup).instructions?.sql_functions ?? []).map((f) => f.identifier.toLowerCase()));
  const failed: Fix[] = [];
  for (const fix of applied) {
    if (fix.kind !== 'metric_view' && fix.kind !== 'sql_function') continue;
    const what = fix.kind === 'metric_view' ? 'metric view' : 'SQL function';
    try {
      await deps.warehouse.query(fix.kind === 'metric_view' ? metricViewDdl(fix) : sqlFunctionDdl(fix));
      if (fix.kind === 'metric_view') created.push(fix.identifier);
      else if (!listedBefore.has(fix.identifier.toLowerCase())) functionsCreated.push(fix.identifier);
    } catch (error) {
      failed.push(fix);
      skipped.push({ fix, reason: `${what} DDL failed: ${(error as Error).message}` });
      logger.warn({ err: error, identifier: fix.identifier }, `${what} not created`);
    }
  }
  if (failed.length > 0) {
    applied = applied.filter((f) => !failed.includes(f));
    space = withoutMetricViews(space, failed.map((f) => (f.kind === 'metric_view' || f.kind === 'sql_function' ? f.identifier : '')));
  }
  for (const s of skipped) logger.info({ kind: (s.fix as Fix).kind, reason: s.reason }, 'fix skipped');

  if (applied.length === 0) {
    logger.info({ spaceId: input.spaceId }, 'no fix to apply; space left unchanged');
    return { applied, skipped, metric_views_created: created, sql_functions_created: functionsCreated, backup_serialized_space: backup, serialized_space: backup };
  }
  const serialized = JSON.stringify(space);
  await input.beforeWrite?.({ applied, skipped, metric_views_created: created, sql_functions_created: functionsCreated, backup_serialized_space: backup, serialized_space: serialized });
  try {
    await deps.spaces.update(input.spaceId, { serialized_space: serialized, ...(current.etag !== undefined ? { etag: current.etag } : {}) });
  } catch (error) {
    // an etag the workspace no longer holds: someone wrote the space between our read and our write
    if (error instanceof DatabricksApiError && error.status === 409) throw new SpaceConflictError(`space ${input.spaceId} changed during the update (etag): ${error.message}`, { cause: error });
    throw error;
  }
  logger.info({ spaceId: input.spaceId, applied: applied.length, skipped: skipped.length, metricViews: created.length, sqlFunctions: functionsCreated.length }, 'space updated');
  return { applied, skipped, metric_views_created: created, sql_functions_created: functionsCreated, backup_serialized_space: backup, serialized_space: serialized };
}

/**
 * Merges the fixes, then keeps the result within the service's limits (30 tables and views, 100 instructions, 200
 * snippets): the last fixes are pruned, each with the reason, until it fits. A space already over a limit is not
 * written at all: every fix is refused with the reason, so the API never receives a space it would reject.
 */
export function withinLimits(original: SerializedSpace, fixes: readonly Fix[], options?: MergeOptions): MergeResult {
  const already = limitViolations(original);
  if (already.length > 0) {
    const reason = `refused: the space is already over the service's limits (${already.join(', ')}); nothing is written until it is reduced`;
    return { space: original, applied: [], skipped: fixes.map((fix) => ({ fix, reason })) };
  }
  let kept = [...fixes];
  const pruned: RejectedFix[] = [];
  for (;;) {
    const merged = mergeFixes(original, kept, options);
    const over = limitViolations(merged.space);
    if (over.length === 0) return { ...merged, skipped: [...merged.skipped, ...pruned] };
    const last = merged.applied.at(-1)!;
    pruned.unshift({ fix: last, reason: `pruned: with it the space would have ${over.join(', ')}` });
    kept = kept.filter((f) => f !== last);
  }
}

/**
 * GENIE_JOIN_RELATIONSHIP_FIELD names the join spec field for the relationship type (default relationship_type; its
 * spelling is uncertain, see the API reference); set it empty when a workspace rejects the field.
 */
function mergeOptionsFromEnv(): MergeOptions {
  const field = process.env.GENIE_JOIN_RELATIONSHIP_FIELD;
  return { joinRelationshipField: field === undefined ? 'relationship_type' : field.trim() || null };
}
