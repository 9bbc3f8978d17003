import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { InputError } from '@genie-enhancer/shared';
import { registerBenchmarkCommands } from './benchmarks-command.ts';
import { registerHistoryCommand } from './history-commands.ts';
import { processIo, UsageError, type CliIo } from './cli-io.ts';
import { runReviewCommand, type ReviewDecision, type ReviewFlags } from './review-commands.ts';
import { runRunCommand, type RunCliOptions } from './run-command.ts';
import type { RunFlags } from './run-options.ts';

export { processIo, type CliIo } from './cli-io.ts';
export type { RunCliOptions } from './run-command.ts';

/** The package's version; package.json is one level above both src/ and the built dist/. */
function cliVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

function buildProgram(io: CliIo, run: (flags: RunFlags) => Promise<void>, review: (decision: ReviewDecision, runId: string, flags: ReviewFlags) => Promise<void>): Command {
  const program = new Command('genie-enhance')
    .description('Raise a Databricks Genie space\'s benchmark score with general configuration fixes')
    .version(cliVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  program
    .command('run')
    .description('score the space, then plan, apply and re-score until the target or a stop condition')
    .option('--space-id <id>', 'Genie space id (env GENIE_SPACE_ID)')
    .option('--warehouse-id <id>', 'SQL warehouse id (env DATABRICKS_WAREHOUSE_ID)')
    .option('--benchmarks <file>', 'benchmark JSON file')
    .option('--space-benchmarks', 'use the benchmark questions stored in the space')
    .option('--host <url>', 'workspace URL (env DATABRICKS_HOST)')
    .option('--token <token>', 'personal access token (env DATABRICKS_TOKEN)')
    .option('--profile <name>', '~/.databrickscfg profile (env DATABRICKS_CONFIG_PROFILE)')
    .option('--target-score <0-1>', 'stop when the score reaches this (default 0.9)')
    .option('--max-loops <n>', 'at most this many plan-apply-score loops (default 3)')
    .option('--genie-concurrent <n>', 'questions asked at once (default 3)')
    .option('--no-batch', 'ask the questions one at a time')
    .option('--llm-endpoint <name>', 'serving endpoint of the planner model')
    .option('--question-timeout <seconds>', 'wait at most this long for one Genie answer (default 300)')
    .option('--holdout <0-0.9>', 'share of questions the planner never sees (default 0.3 with 10+ questions, else 0)')
    .option('--split-seed <text>', 'seed of the held-out split (default: the run id)')
    .option('--allow-regressions <n>', 'keep a change even though this many passing questions now fail (default 0)')
    .option('--repeats <k>', 'ask each question k times per pass, in fresh conversations (default 1)')
    .option('--alpha <p>', 'significance level of the gate with repeats (default 0.05)')
    .option('--levers <kinds>', 'comma-separated fix kinds the planner may use (default all): metadata,text_instruction,example_sql,metric_view,join_spec,sql_snippet,sql_function; "classic" = the first four')
    .option('--scorer <mode>', 'compare (our result comparison, default), native (Genie\'s eval-runs API) or both (ours, with an agreement table)')
    .option('--warehouse-port <port>', 'SQL warehouse port (default: the host URL\'s, else 443)')
    .option('--benchmark-warehouse-token <token>', 'separate token (read-only grants) for benchmark and Genie SQL (env BENCHMARK_WAREHOUSE_TOKEN; default: the workspace credential)')
    .option('--ca-cert <file>', 'PEM CA certificate of a self-signed warehouse')
    .option('--auto-promote', 'at the end, write the best kept configuration to the space (else: awaiting review)')
    .option('--in-place', 'change the space itself instead of a staging copy')
    .option('--dry-run', 'score and plan only: print the proposed fixes and the change to the space, write nothing')
    .option('--state-dir <dir>', 'where runs are kept for promote/discard (env GENIE_ENHANCER_STATE_DIR, default ~/.genie-enhancer/runs)')
    .option('--json', 'print the run summary as JSON instead of a table')
    .option('--verbose', 'also print every pass\'s verdict per question')
    .option('--record <dir>', 'write every exchange with the workspace to DIR as scrubbed cassettes (replay: pnpm sim -- --replay DIR)')
    .option('--no-history', 'do not write the run\'s history to the Delta tables')
    .option('--catalog <name>', 'catalog of the history tables (env HISTORY_CATALOG, default main)')
    .option('--schema <name>', 'schema of the history tables (env HISTORY_SCHEMA, default genie_enhancement)')
    .action(async (flags: RunFlags) => run(flags));
  const DESCRIPTION = {
    promote: 'write a reviewed run\'s best kept configuration to its space (refused if the space changed since)',
    discard: 'trash a run\'s staging copy and the metric views it created',
    rollback: 'put a configuration of a run back onto its space: --loop N (a kept loop; default 0 = before the run)',
  };
  for (const decision of ['promote', 'discard', 'rollback'] as const) {
    program
      .command(`${decision} <run-id>`)
      .description(DESCRIPTION[decision])
      .option('--loop <n>', 'rollback: the kept loop to restore (default 0)')
      .option('--host <url>', 'workspace URL (env DATABRICKS_HOST)')
      .option('--token <token>', 'personal access token (env DATABRICKS_TOKEN)')
      .option('--profile <name>', '~/.databrickscfg profile (env DATABRICKS_CONFIG_PROFILE)')
      .option('--warehouse-port <port>', 'SQL warehouse port (default: the host URL\'s, else 443)')
      .option('--ca-cert <file>', 'PEM CA certificate of a self-signed warehouse')
      .option('--state-dir <dir>', 'where the run was kept (env GENIE_ENHANCER_STATE_DIR)')
      .option('--no-history', 'do not write the decision to the Delta history tables')
      .option('--catalog <name>', 'catalog of the history tables (env HISTORY_CATALOG, default main)')
      .option('--schema <name>', 'schema of the history tables (env HISTORY_SCHEMA, default genie_enhancement)')
      .action(async (runId: string, flags: ReviewFlags) => review(decision, runId, flags));
  }
  return program;
}

/** Runs the CLI in-process with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo(), options: RunCliOptions = {}): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(
    io,
    async (flags) => {
      exitCode = await runRunCommand(flags, io, options);
    },
    async (decision, runId, flags) => {
      exitCode = await runReviewCommand(decision, runId, flags, io, options);
    },
  );
  registerBenchmarkCommands(program, io, (code) => {
    exitCode = code;
  });
  registerHistoryCommand(program, io, options, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2;
    }
    // InputError covers the library's bad-input errors (UnsafeSqlError, a bad setting)
    if (error instanceof UsageError || error instanceof InputError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`error: ${(error as Error).message?.split('\n')[0] ?? String(error)}\n`);
    return 3;
  }
}
