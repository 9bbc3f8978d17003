import { InputError, historyTarget, type HistoryTarget } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';

/** Flags naming the history tables' schema, as the Databricks CLI names a catalog and a schema. */
export interface HistoryFlags {
  catalog?: string;
  schema?: string;
}

/** --catalog/--schema (env HISTORY_CATALOG/HISTORY_SCHEMA, default main.genie_enhancement); a bad name names its flag. */
export function historyTargetOf(flags: HistoryFlags, env: Record<string, string | undefined>): HistoryTarget {
  try {
    return historyTarget(flags.catalog ?? env.HISTORY_CATALOG ?? undefined, flags.schema ?? env.HISTORY_SCHEMA ?? undefined);
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`--${/catalog/.test(error.message) ? 'catalog' : 'schema'}: ${error.message}`);
    throw error;
  }
}
