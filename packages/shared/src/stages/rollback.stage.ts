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
 * retried rollback does not write twice), drops the metric views and SQL functions the undone loop created (IF EXISTS,
 * so a retry after a crash is harmless), then reads the space
 * again and fails loudly unless it equals the snapshot.
 */
export async function rollbackSpace(deps: RollbackDeps, input: { spaceId: string; snapshot: string; metricViews: readonly string[]; sqlFunctions?: readonly string[] }): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  parseSerializedSpace(input.snapshot);
  const current = await deps.spaces.get(input.spaceId);
  if (canonicalSpace(current.serialized_space) !== canonicalSpace(input.snapshot)) {
    await deps.spaces.update(input.spaceId, { serialized_space: input.snapshot, ...(current.etag !== undefined ? { etag: current.etag } : {}) });
  }
  await dropCreatedObjects(deps.warehouse, { metricViews: input.metricViews, sqlFunctions: input.sqlFunctions ?? [] });
  const after = await deps.spaces.get(input.spaceId);
  if (canonicalSpace(after.serialized_space) !== canonicalSpace(input.snapshot)) {
    throw new RunAbortedError(`rollback of space ${input.spaceId} could not be verified: the space read back differs from its snapshot`);
  }
  logger.info({ space_id: input.spaceId, metric_views_dropped: input.metricViews.length, sql_functions_dropped: input.sqlFunctions?.length ?? 0 }, 'space rolled back and verified');
}

/** Drops what a loop created on the warehouse: metric views first (one may call a function), then the functions. */
export async function dropCreatedObjects(warehouse: SqlWarehouse, created: { metricViews: readonly string[]; sqlFunctions: readonly string[] }): Promise<void> {
  for (const view of created.metricViews) await warehouse.query(`DROP VIEW IF EXISTS ${view}`);
  for (const fn of created.sqlFunctions) await warehouse.query(`DROP FUNCTION IF EXISTS ${fn}`);
}
