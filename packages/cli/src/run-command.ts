import { readFile } from 'node:fs/promises';
import {
  benchmarkFromSpace,
  createLogger,
  parseSerializedSpace,
  runEnhancementLoop,
  type BenchmarkQuestion,
  type Logger,
  type LoopDeps,
  type RunSummary,
} from '@genie-enhancer/shared';
import { readBenchmarkFile } from './benchmark-file.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import { connectDatabricks, resolveConnectionTarget, type ConnectionTarget } from './connect.ts';
import { createProgressReporter } from './progress-reporter.ts';
import { parseRunOptions, type RunFlags } from './run-options.ts';
import { renderSummaryTable } from './summary-table.ts';

/** Open clients for one run. */
export type Connection = Omit<LoopDeps, 'logger'> & { close(): Promise<void> };

/** Programmatic overrides, for the demo and tests; `genie-enhance run` uses none of them. */
export interface RunCliOptions {
  /** PEM of the warehouse's CA certificate, instead of --ca-cert FILE */
  caCertPem?: string;
  connect?: (target: ConnectionTarget) => Promise<Connection>;
  logger?: Logger;
  onSummary?: (summary: RunSummary) => void;
}

async function loadQuestions(source: { file: string } | { space: true }, conn: Connection, spaceId: string): Promise<BenchmarkQuestion[]> {
  if ('file' in source) return readBenchmarkFile(source.file);
  const questions = benchmarkFromSpace(parseSerializedSpace((await conn.spaces.get(spaceId)).serialized_space));
  if (questions.length === 0) throw new UsageError('--space-benchmarks: the space has no benchmark question with a SQL answer');
  return questions;
}

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
  const conn = await (options.connect ?? connectDatabricks)(target);
  const reporter = createProgressReporter(io);
  try {
    const questions = fileQuestions ?? (await loadQuestions(opts.benchmarkSource, conn, opts.config.space_id));
    // library logs would tear the progress bars apart, so they are on only when asked for
    const logger = options.logger ?? (io.env.LOG_LEVEL ? createLogger('genie-enhance') : undefined);
    const summary = await runEnhancementLoop(
      { ...conn, ...(logger ? { logger } : {}) },
      { config: opts.config, questions, onEvent: (e) => reporter.onEvent(e) },
    );
    reporter.stop();
    options.onSummary?.(summary);
    io.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummaryTable(summary));
    return summary.target_reached ? 0 : 1;
  } finally {
    reporter.stop();
    await conn.close();
  }
}
