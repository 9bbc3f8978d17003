import { RunAbortedError } from '../errors/index.ts';
import { parseSerializedSpace } from '../schemas/index.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import type { GenieSpaces, SqlWarehouse } from './ports.ts';

export interface RollbackDeps {
  spaces: GenieSpaces;
  warehouse: SqlWarehouse;
  logger?: Logger;
}

/** Key order and whitespace do not make two configurations different. */
export function canonicalSpace(serialized: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sort) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sort(v)])) : value;
  return JSON.stringify(sort(JSON.parse(serialized)));
}

/**
 * Restores the space to a snapshot: writes it back with the etag just read (unless it is already there, so a
 * retried rollback does not write twice), drops the metric views the undone loop created, then reads the space
 * again and fails loudly unless it equals the snapshot.
 */
export async function rollbackSpace(deps: RollbackDeps, input: { spaceId: string; snapshot: string; metricViews: readonly string[] }): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  parseSerializedSpace(input.snapshot);
  const current = await deps.spaces.get(input.spaceId);
  if (canonicalSpace(current.serialized_space) !== canonicalSpace(input.snapshot)) {
    await deps.spaces.update(input.spaceId, { serialized_space: input.snapshot, ...(current.etag !== undefined ? { etag: current.etag } : {}) });
  }
  for (const view of input.metricViews) await deps.warehouse.query(`DROP VIEW IF EXISTS ${view}`);
  const after = await deps.spaces.get(input.spaceId);
  if (canonicalSpace(after.serialized_space) !== canonicalSpace(input.snapshot)) {
    throw new RunAbortedError(`rollback of space ${input.spaceId} could not be verified: the space read back differs from its snapshot`);
  }
  logger.info({ space_id: input.spaceId, metric_views_dropped: input.metricViews.length }, 'space rolled back and verified');
}
