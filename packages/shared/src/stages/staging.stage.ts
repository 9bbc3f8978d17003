import { createHash } from 'node:crypto';
import { silentLogger, type Logger } from '../util/logger.ts';
import type { GenieSpaces, SqlWarehouse } from './ports.ts';
import { canonicalSpace, dropCreatedObjects } from './rollback.stage.ts';
import { describeSpaceChange } from './space-diff.ts';

export interface StagingDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  logger?: Logger;
}

/** The title that names a run's staging copy, so a retried create finds the copy instead of making a second. */
export const stagingTitle = (title: string, runId: string): string => `${title} [genie-enhancer ${runId}]`;

/** Hash of a configuration, key order and whitespace aside. */
export const spaceHash = (serialized: string): string => createHash('sha256').update(canonicalSpace(serialized)).digest('hex');

/**
 * Finds or creates the run's staging copy of a space: same warehouse, parent folder and configuration. Returns
 * the copy's id and the original as it was copied (what promotion later compares with).
 */
export async function stageCopy(deps: StagingDeps, input: { spaceId: string; runId: string }): Promise<{ spaceId: string; original: string }> {
  const original = await deps.spaces.get(input.spaceId);
  const title = stagingTitle(original.title ?? input.spaceId, input.runId);
  const existing = (await deps.spaces.list()).find((s) => s.title === title);
  const copy = existing ?? (await deps.spaces.create({
    title,
    warehouse_id: original.warehouse_id ?? '',
    serialized_space: original.serialized_space,
    ...(original.parent_path ? { parent_path: original.parent_path } : {}),
    ...(original.description ? { description: original.description } : {}),
  }));
  (deps.logger ?? silentLogger).info({ space_id: input.spaceId, staging_space_id: copy.space_id, reused: existing !== undefined }, 'staging copy ready');
  return { spaceId: copy.space_id, original: original.serialized_space };
}

export type PromotionOutcome = { promoted: true } | { promoted: false; reason: string };

/**
 * Writes the staging copy's configuration to the original with the original's etag, verifies it, and trashes the
 * copy. Refuses, writing nothing, when the original changed since it was copied: edits made outside the tool are
 * never overwritten. A retry after the write recognises it (the original already holds the copy's configuration).
 */
export async function promoteCopy(deps: StagingDeps, input: { spaceId: string; stagingSpaceId: string; originalAsCopied: string }): Promise<PromotionOutcome> {
  const [original, staged] = await Promise.all([deps.spaces.get(input.spaceId), deps.spaces.get(input.stagingSpaceId)]);
  if (canonicalSpace(original.serialized_space) !== canonicalSpace(staged.serialized_space)) {
    if (spaceHash(original.serialized_space) !== spaceHash(input.originalAsCopied)) {
      return { promoted: false, reason: `space ${input.spaceId} changed since the run copied it: ${describeSpaceChange(input.originalAsCopied, original.serialized_space).join('; ')}` };
    }
    await deps.spaces.update(input.spaceId, { serialized_space: staged.serialized_space, ...(original.etag !== undefined ? { etag: original.etag } : {}) });
    const after = await deps.spaces.get(input.spaceId);
    if (canonicalSpace(after.serialized_space) !== canonicalSpace(staged.serialized_space)) {
      return { promoted: false, reason: `space ${input.spaceId} did not read back as written; promote again` };
    }
  }
  await deps.spaces.trash(input.stagingSpaceId);
  (deps.logger ?? silentLogger).info({ space_id: input.spaceId, staging_space_id: input.stagingSpaceId }, 'promoted');
  return { promoted: true };
}

/** Trashes the staging copy and drops the metric views and SQL functions the run created for it. */
export async function discardCopy(deps: StagingDeps, input: { stagingSpaceId: string; metricViews: readonly string[]; sqlFunctions?: readonly string[] }): Promise<void> {
  await deps.spaces.trash(input.stagingSpaceId);
  await dropCreatedObjects(deps.warehouse, { metricViews: input.metricViews, sqlFunctions: input.sqlFunctions ?? [] });
  (deps.logger ?? silentLogger).info({ staging_space_id: input.stagingSpaceId, metric_views_dropped: input.metricViews.length, sql_functions_dropped: input.sqlFunctions?.length ?? 0 }, 'staging copy discarded');
}
