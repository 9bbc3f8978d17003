import { readFile } from 'node:fs/promises';
import { createHistoryWriter, resumeInline, type RunEvent } from '@genie-enhancer/shared';
import { UsageError, type CliIo } from './cli-io.ts';
import { historyTargetOf, type HistoryFlags } from './history-options.ts';
import { connectDatabricks, resolveConnectionTarget } from './connect.ts';
import { createProgressReporter } from './progress-reporter.ts';
import { loadRun, saveRun, stateDirOf } from './run-files.ts';
import { parseWarehousePort } from './run-options.ts';
import { nextSteps } from './run-report.ts';
import { EXIT, type RunCliOptions } from './run-command.ts';

/** Flags of `promote` and `discard`: where the runs are and how to reach the workspace. */
export interface ReviewFlags extends HistoryFlags {
  /** false with --no-history */
  history?: boolean;
  host?: string;
  token?: string;
  profile?: string;
  warehousePort?: string;
  caCert?: string;
  stateDir?: string;
  /** rollback: the kept loop whose configuration goes back (0 = the space before the run) */
  loop?: string;
}

function eventOf(decision: ReviewDecision, flags: ReviewFlags): RunEvent {
  if (decision === 'promote') return { type: 'promote_requested' };
  if (decision === 'discard') return { type: 'discard_requested' };
  const loop = Number(flags.loop ?? 0);
  if (!Number.isInteger(loop) || loop < 0) throw new UsageError(`--loop: expected a loop number ≥ 0, got "${flags.loop}"`);
  return { type: 'restore_requested', loop };
}

/** `genie-enhance promote|discard|rollback RUN_ID`: continues a saved run with a person's decision. */
export type ReviewDecision = 'promote' | 'discard' | 'rollback';

export async function runReviewCommand(decision: ReviewDecision, runId: string, flags: ReviewFlags, io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const dir = stateDirOf(flags.stateDir, io.env);
  const saved = await loadRun(dir, runId);
  let caCertPem = options.caCertPem;
  if (caCertPem === undefined && flags.caCert) caCertPem = await readFile(flags.caCert, 'utf8').catch(() => { throw new UsageError(`--ca-cert: cannot read ${flags.caCert}`); });
  const warehousePort = parseWarehousePort(flags.warehousePort);
  const target = await resolveConnectionTarget(
    { config: saved.state.config, host: flags.host ?? io.env.DATABRICKS_HOST, token: flags.token ?? io.env.DATABRICKS_TOKEN, profile: flags.profile ?? io.env.DATABRICKS_CONFIG_PROFILE, ...(warehousePort ? { warehousePort } : {}), benchmarkSource: { space: true }, json: false, verbose: false },
    io.env,
    caCertPem,
  );
  const conn = await (options.connect ?? connectDatabricks)(target);
  const reporter = createProgressReporter(io);
  try {
    const event = eventOf(decision, flags);
    // the decision lands in the run's history too (same writer as `run`; a failed write only warns)
    const historyTarget = flags.history === false ? undefined : historyTargetOf(flags, io.env);
    const deps = historyTarget ? { ...conn, history: { writer: createHistoryWriter({ warehouse: conn.warehouse, target: historyTarget, timeoutMs: 30_000 }) } } : conn;
    const result = await resumeInline(deps, saved, event, (e) => reporter.onEvent(e)).catch((error: unknown) => {
      throw new UsageError(`${decision} ${runId}: ${(error as Error).message}`);
    });
    reporter.stop();
    if (result.history_error) io.stderr.write(`warning: the run's history could not all be written: ${result.history_error}\n`);
    io.stderr.write(nextSteps(result, await saveRun(dir, result)));
    if (result.status === 'failed') return EXIT.failed;
    if (decision === 'rollback') return 0;
    return result.status === 'promoted' || result.status === 'discarded' ? 0 : EXIT.targetMissed;
  } finally {
    reporter.stop();
    await conn.close();
  }
}
