import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, createCassetteRecorder, recordGenie, recordModel, recordSpaces, recordWarehouse, type RunConfig } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import type { ConnectionTarget } from './connect.ts';
import type { Connection } from './run-command.ts';

/**
 * `--record DIR`: the run's clients, every exchange with the workspace written to DIR as scrubbed cassettes (the
 * workspace host and the credential in use are replaced by placeholders besides the usual shapes), and the run's
 * settings in DIR/run.json so that a replay can be started with the same held-out split.
 */
export async function recordingConnection(conn: Connection, dir: string, target: ConnectionTarget, config: RunConfig): Promise<Connection> {
  const token = target.token ?? (await target.auth?.token().catch(() => undefined));
  let rec: ReturnType<typeof createCassetteRecorder>;
  try {
    rec = createCassetteRecorder(dir, { hosts: [target.host], secrets: token ? [token] : [] });
    writeFileSync(join(dir, 'run.json'), `${canonicalJson(rec.scrub.value({ config }))}\n`);
  } catch (error) {
    throw new UsageError(`--record: cannot write to ${dir}: ${(error as Error).message}`);
  }
  return {
    genie: recordGenie(conn.genie, rec),
    spaces: recordSpaces(conn.spaces, rec),
    model: recordModel(conn.model, target.llmEndpoint, rec),
    warehouse: recordWarehouse(conn.warehouse, target.warehouseId, rec),
    close: () => conn.close(),
  };
}
