import { SimSqlError, type EngineResult, type SqlEngine } from '../catalog.types.ts';
import type { RecordedStatement, Replay } from './replay.ts';

/** A recorded SQL error, with the message the recorded run saw, word for word. */
export class ReplayedSqlError extends SimSqlError {
  constructor(message: string, sqlState: string | undefined) {
    super('REPLAYED_ERROR', message, sqlState ?? 'XX000');
    this.message = message;
  }
}

const READ_ONLY = /^\s*(select|with|describe|show)\b/i;

/** A recorded result in the engine's terms: the recorded type names, the values as the driver gave them. */
export function engineResult(result: NonNullable<RecordedStatement['result']>): EngineResult {
  return { columns: result.columns.map((c) => ({ name: c.name, typeName: c.type, typeText: c.type })), rows: result.rows };
}

/**
 * The warehouse with a replay in front: a recorded statement gets its recorded result or error, anything else runs
 * on DuckDB. A recorded statement that changes state (a metric view) is also run locally, as far as it can be, so
 * the simulated Genie of unrecorded questions sees what the recorded run created.
 */
export function replayingEngine(engine: SqlEngine, replay: Replay): SqlEngine {
  return {
    async execute(sql, options) {
      const recorded = replay.statement(sql);
      if (!recorded) return engine.execute(sql, options);
      if (!READ_ONLY.test(sql)) await engine.execute(sql, options).catch(() => undefined);
      if (recorded.error || !recorded.result) throw new ReplayedSqlError(recorded.error?.message ?? 'recorded statement without a result', recorded.error?.sql_state);
      return engineResult(recorded.result);
    },
    catalog: () => engine.catalog(),
    close: () => engine.close(),
  };
}
