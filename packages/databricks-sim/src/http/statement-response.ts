import { randomUUID } from 'node:crypto';
import type { EngineResult } from '../catalog.types.ts';

/** A statement result in the Databricks JSON_ARRAY shape: every non-null value a string. */
export function statementResponse(result: EngineResult, statementId = randomUUID()) {
  const cell = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return {
    statement_id: statementId,
    status: { state: 'SUCCEEDED' },
    manifest: {
      format: 'JSON_ARRAY',
      schema: { column_count: result.columns.length, columns: result.columns.map((c, i) => ({ name: c.name, type_name: c.typeName, type_text: c.typeText, position: i })) },
      total_row_count: result.rows.length,
      truncated: false,
    },
    result: { chunk_index: 0, row_offset: 0, row_count: result.rows.length, data_array: result.rows.map((r) => r.map(cell)) },
  };
}
