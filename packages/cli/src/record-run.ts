import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, createCassetteRecorder, recordGenie, recordModel, recordSpaces, recordWarehouse, type CassetteRecorder, type RunConfig } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import type { ConnectionTarget } from './connect.ts';
import type { Connection } from './run-command.ts';

/**
 * `--record DIR`: a recorder into DIR that scrubs the workspace host and the credential in use besides the usual
 * shapes, with the run's settings in DIR/run.json (a replay needs the same held-out split). A directory that
 * cannot be written is bad input, reported before any connection is opened.
 */
export async function openRunRecorder(dir: string, target: ConnectionTarget, config: RunConfig, warn: (message: string) => void): Promise<CassetteRecorder> {
  const token = target.token ?? (await target.auth?.token().catch(() => undefined));
  let warned = false;
  const onError = (error: Error, file: string) => {
    if (!warned) warn(`warning: --record: cannot write ${file} (${error.message}); the recording is incomplete\n`);
    warned = true;
  };
  try {
    const rec = createCassetteRecorder(dir, { hosts: [target.host], secrets: token ? [token] : [] }, onError);
    writeFileSync(join(dir, 'run.json'), `${canonicalJson(rec.scrub.value({ config }))}\n`);
    return rec;
  } catch (error) {
    throw new UsageError(`--record: cannot write to ${dir}: ${(error as Error).message}`);
  }
}

/** The run's clients, every exchange with the workspace recorded. */
export function recordingConnection(conn: Connection, rec: CassetteRecorder, target: ConnectionTarget): Connection {
  return {
    genie: recordGenie(conn.genie, rec),
    spaces: recordSpaces(conn.spaces, rec),
    model: recordModel(conn.model, target.llmEndpoint, rec),
    warehouse: recordWarehouse(conn.warehouse, target.warehouseId, rec),
    close: () => conn.close(),
  };
}
