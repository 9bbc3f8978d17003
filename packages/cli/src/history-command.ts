import { readFile } from 'node:fs/promises';
import { createHistoryReader, openWorkspace, type HistoryListEntry } from '@genie-enhancer/shared';
import { UsageError, type CliIo } from './cli-io.ts';
import { resolveCliAuth } from './connect.ts';
import { historyTargetOf, type HistoryFlags } from './history-options.ts';
import { parseWarehousePort } from './run-options.ts';
import type { RunCliOptions } from './run-command.ts';

/** Flags of `genie-enhance history`. */
export interface HistoryCommandFlags extends HistoryFlags {
  spaceId?: string;
  warehouseId?: string;
  host?: string;
  token?: string;
  profile?: string;
  warehousePort?: string;
  caCert?: string;
  limit?: string;
  json?: boolean;
}

const pct = (score: number | null) => (score === null ? '-' : `${(score * 100).toFixed(1)}%`);

/** One line per run, then its score per pass: `0 45.0%  1 60.0% kept  2 55.0% rolled back`. */
export function renderHistory(runs: HistoryListEntry[]): string {
  if (runs.length === 0) return 'no runs in the history\n';
  return runs.map((r) => {
    const passes = r.passes.map((p) => `${p.loop}: ${pct(p.train_score)}${p.holdout_score !== null ? ` (held-out ${pct(p.holdout_score)})` : ''}${p.accepted === true ? ' kept' : p.rolled_back || p.accepted === false ? ' rolled back' : ''}`);
    return `${r.run_id}  ${r.space_id}  ${r.status}${r.decision ? ` (${r.decision})` : ''}  started ${r.started_at}\n  scores  ${passes.join('  |  ') || 'none yet'}\n`;
  }).join('');
}

/** `genie-enhance history`: the runs kept in the Delta history tables, newest first, with their scores per loop. */
export async function runHistoryCommand(flags: HistoryCommandFlags, io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const target = historyTargetOf(flags, io.env);
  const warehouseId = flags.warehouseId ?? io.env.HISTORY_WAREHOUSE_ID ?? io.env.DATABRICKS_WAREHOUSE_ID;
  if (!warehouseId) throw new UsageError('--warehouse-id: the warehouse that reads the history tables is required (or DATABRICKS_WAREHOUSE_ID)');
  const limit = Number(flags.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit: expected a whole number 1-1000, got "${flags.limit}"`);
  let caCertPem = options.caCertPem;
  if (caCertPem === undefined && flags.caCert) caCertPem = await readFile(flags.caCert, 'utf8').catch(() => { throw new UsageError(`--ca-cert: cannot read ${flags.caCert}`); });
  const warehousePort = parseWarehousePort(flags.warehousePort);
  const auth = await resolveCliAuth({ host: flags.host ?? io.env.DATABRICKS_HOST, token: flags.token ?? io.env.DATABRICKS_TOKEN, profile: flags.profile ?? io.env.DATABRICKS_CONFIG_PROFILE }, io.env);
  const workspace = openWorkspace({ host: auth.host, auth, ...(warehousePort !== undefined ? { warehousePort } : {}), ...(caCertPem ? { caCertPem } : {}) });
  try {
    const reader = createHistoryReader({ warehouse: workspace.warehouse(warehouseId), target });
    const runs = await reader.listRuns({ limit, ...(flags.spaceId ? { spaceId: flags.spaceId } : {}) });
    io.stdout.write(flags.json ? `${JSON.stringify({ target: `${target.catalog}.${target.schema}`, runs }, null, 2)}\n` : renderHistory(runs));
    return 0;
  } finally {
    await workspace.close();
  }
}
