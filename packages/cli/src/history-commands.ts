import type { Command } from 'commander';
import type { CliIo } from './cli-io.ts';
import { runHistoryCommand, type HistoryCommandFlags } from './history-command.ts';
import type { RunCliOptions } from './run-command.ts';

/** `genie-enhance history [--space-id ID] [--json]`. */
export function registerHistoryCommand(program: Command, io: CliIo, options: RunCliOptions, setExitCode: (code: number) => void): void {
  program
    .command('history')
    .description('list the runs kept in the Delta history tables, newest first, with their score per loop')
    .option('--space-id <id>', 'only the runs of this Genie space')
    .option('--warehouse-id <id>', 'SQL warehouse that reads the tables (env DATABRICKS_WAREHOUSE_ID)')
    .option('--catalog <name>', 'catalog of the history tables (env HISTORY_CATALOG, default main)')
    .option('--schema <name>', 'schema of the history tables (env HISTORY_SCHEMA, default genie_enhancement)')
    .option('--limit <n>', 'at most this many runs (default 20)')
    .option('--host <url>', 'workspace URL (env DATABRICKS_HOST)')
    .option('--token <token>', 'personal access token (env DATABRICKS_TOKEN)')
    .option('--profile <name>', '~/.databrickscfg profile (env DATABRICKS_CONFIG_PROFILE)')
    .option('--warehouse-port <port>', 'SQL warehouse port (default: the host URL\'s, else 443)')
    .option('--ca-cert <file>', 'PEM CA certificate of a self-signed warehouse')
    .option('--json', 'print the runs as JSON')
    .action(async (flags: HistoryCommandFlags) => setExitCode(await runHistoryCommand(flags, io, options)));
}
