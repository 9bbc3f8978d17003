import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import {
  benchmarkFromSpace,
  createHistoryWriter,
  parseSerializedSpace,
  runInline,
  type BenchmarkQuestion,
  type InlineDeps,
  type InlineRunResult,
  type Logger,
} from '@genie-enhancer/shared';
import { readBenchmarkFile } from './benchmark-file.ts';
import { colourAllowed, UsageError, type CliIo } from './cli-io.ts';
import { connectDatabricks, resolveConnectionTarget, type ConnectionTarget } from './connect.ts';
import { createProgressReporter } from './progress-reporter.ts';
import { openRunRecorder, recordingConnection } from './record-run.ts';
import { parseRunOptions, type RunFlags } from './run-options.ts';
import { createCliLogger } from './log-format.ts';
import { dryRunReport, nextSteps } from './run-report.ts';
import { renderAgreements } from './agreement-table.ts';
import { saveRun, stateDirOf } from './run-files.ts';
import { renderSummaryTable } from './summary-table.ts';
import { renderVerdicts } from './verdicts.ts';

/** Open clients for one run. */
export type Connection = Omit<InlineDeps, 'logger'> & { close(): Promise<void> };

/** Programmatic overrides, for the demo and tests; `genie-enhance run` uses none of them. */
export interface RunCliOptions {
  /** PEM of the warehouse's CA certificate, instead of --ca-cert FILE */
  caCertPem?: string;
  connect?: (target: ConnectionTarget) => Promise<Connection>;
  logger?: Logger;
  onSummary?: (summary: InlineRunResult) => void;
}

async function loadQuestions(source: { file: string } | { space: true }, conn: Connection, spaceId: string): Promise<BenchmarkQuestion[]> {
  if ('file' in source) return readBenchmarkFile(source.file);
  const questions = benchmarkFromSpace(parseSerializedSpace((await conn.spaces.get(spaceId)).serialized_space));
  if (questions.length === 0) throw new UsageError('--space-benchmarks: the space has no benchmark question with a SQL answer');
  return questions;
}

/** Who ran the CLI, for the history's started_by. */
function cliUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Exit codes of `genie-enhance run` (README): 2 is bad input, reported by main. */
export const EXIT = { targetReached: 0, targetMissed: 1, badInput: 2, failed: 3 } as const;

/** `genie-enhance run`: validate flags, connect, run the loop with progress, print the summary; returns the exit code. */
export async function runRunCommand(flags: RunFlags, io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const opts = parseRunOptions(flags, io.env);
  // a bad benchmark file should fail before any connection is opened
  const fileQuestions = 'file' in opts.benchmarkSource ? await readBenchmarkFile(opts.benchmarkSource.file) : undefined;
  let caCertPem = options.caCertPem;
  if (caCertPem === undefined && opts.caCertFile) {
    caCertPem = await readFile(opts.caCertFile, 'utf8').catch(() => {
      throw new UsageError(`--ca-cert: cannot read ${opts.caCertFile}`);
    });
  }
  const target = await resolveConnectionTarget(opts, io.env, caCertPem);
  const recorder = opts.recordDir ? await openRunRecorder(opts.recordDir, target, opts.config, (m) => io.stderr.write(m)) : undefined;
  const connected = await (options.connect ?? connectDatabricks)(target);
  const conn = recorder ? recordingConnection(connected, recorder, target) : connected;
  const reporter = createProgressReporter(io);
  try {
    const questions = fileQuestions ?? (await loadQuestions(opts.benchmarkSource, conn, opts.config.space_id));
    // library logs would tear the progress bars apart, so they are on only when asked for
    const logger = options.logger ?? (io.env.LOG_LEVEL ? createCliLogger(io, io.env.LOG_LEVEL) : undefined);
    // the run's history goes to Delta through the run's warehouse, written at the end of each stage
    const history = opts.history && {
      writer: createHistoryWriter({ warehouse: conn.warehouse, target: opts.history, timeoutMs: 30_000, ...(logger ? { logger } : {}) }),
      benchmarkSource: 'file' in opts.benchmarkSource ? `file:${basename(opts.benchmarkSource.file)}` : 'space',
      startedBy: cliUser(),
    };
    const summary = await runInline(
      { ...conn, ...(logger ? { logger } : {}), ...(history ? { history } : {}) },
      { config: opts.config, questions, onProgress: (e) => reporter.onEvent(e) },
    );
    reporter.stop();
    options.onSummary?.(summary);
    const { state: _state, questions: _questions, backups: _backups, snapshots: _snapshots, history_error: _history, ...shown } = summary;
    io.stdout.write(opts.json ? `${JSON.stringify(shown, null, 2)}
` : renderSummaryTable(summary, { colour: colourAllowed(io, 'stdout') }));
    if (opts.verbose && !opts.json) io.stdout.write(renderVerdicts(summary.reports));
    if (!opts.json && Object.keys(summary.agreements).length > 0) io.stdout.write(renderAgreements(summary.agreements));
    if (opts.config.dry_run) io.stdout.write(await dryRunReport(conn, summary));
    if (summary.history_error) io.stderr.write(`warning: the run's history could not all be written to ${opts.history!.catalog}.${opts.history!.schema}: ${summary.history_error}\n`);
    const file = await saveRun(stateDirOf(opts.stateDir, io.env), summary);
    io.stderr.write(nextSteps(summary, file));
    if (summary.status === 'failed') {
      io.stderr.write(`error: run failed: ${summary.error}\n`);
      return EXIT.failed;
    }
    return summary.target_reached ? EXIT.targetReached : EXIT.targetMissed;
  } finally {
    reporter.stop();
    await conn.close();
  }
}
