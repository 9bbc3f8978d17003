import type { SerializedSpace } from '../schemas/index.ts';
import type { TableSchema } from '../stages/planner-prompt.ts';
import type { SqlWarehouse } from '../stages/ports.ts';
import { silentLogger, type Logger } from '../util/logger.ts';

/** `DESCRIBE TABLE` output rows up to the first blank or `#` section line (partition and detail sections). */
function columnsOf(result: { columns: { name: string }[]; rows: unknown[][] }): TableSchema['columns'] {
  const nameAt = result.columns.findIndex((c) => c.name === 'col_name');
  const typeAt = result.columns.findIndex((c) => c.name === 'data_type');
  const columns: TableSchema['columns'] = [];
  for (const row of result.rows) {
    const name = String(row[nameAt < 0 ? 0 : nameAt] ?? '').trim();
    if (!name || name.startsWith('#')) break;
    columns.push({ name, type: String(row[typeAt < 0 ? 1 : typeAt] ?? '') });
  }
  return columns;
}

/** Columns of every table in the space, read with DESCRIBE TABLE; a table that cannot be described gets no columns. */
export async function describeSpaceTables(warehouse: SqlWarehouse, space: SerializedSpace, logger: Logger = silentLogger): Promise<TableSchema[]> {
  const identifiers = [...(space.data_sources?.tables ?? []), ...(space.data_sources?.metric_views ?? [])].map((t) => t.identifier);
  return Promise.all(
    identifiers.map(async (identifier) => {
      try {
        return { identifier, columns: columnsOf(await warehouse.query(`DESCRIBE TABLE ${identifier}`)) };
      } catch (error) {
        logger.warn({ err: error, table: identifier }, 'DESCRIBE TABLE failed; the planner sees no columns for it');
        return { identifier, columns: [] };
      }
    }),
  );
}
