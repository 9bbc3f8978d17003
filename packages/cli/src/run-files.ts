import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SavedRun } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';

/** Where the CLI keeps its runs so `promote` and `discard` can continue them: --state-dir, else GENIE_ENHANCER_STATE_DIR, else ~/.genie-enhancer/runs. */
export const stateDirOf = (flag: string | undefined, env: Record<string, string | undefined>): string =>
  flag ?? env.GENIE_ENHANCER_STATE_DIR ?? join(homedir(), '.genie-enhancer', 'runs');

const fileOf = (dir: string, runId: string) => {
  if (!/^[\w-]+$/.test(runId)) throw new UsageError(`RUN_ID: "${runId}" is not a run id`);
  return join(dir, `${runId}.json`);
};

/** Writes the run whole (temp file, then rename), so a crash never leaves half a file. */
export async function saveRun(dir: string, run: SavedRun): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = fileOf(dir, run.state.run_id);
  await writeFile(`${file}.tmp`, JSON.stringify(run), 'utf8');
  await rename(`${file}.tmp`, file);
  return file;
}

export async function loadRun(dir: string, runId: string): Promise<SavedRun> {
  const file = fileOf(dir, runId);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`RUN_ID: no run ${runId} in ${dir} (runs are kept where --state-dir points)`);
  });
  return JSON.parse(text) as SavedRun;
}
