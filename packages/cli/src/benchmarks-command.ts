import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  AnyBenchmarkUnchecked,
  benchmarkFromSpace,
  checkBenchmark,
  mergeSpaceBenchmarks,
  openWorkspace,
  parseSerializedSpace,
  type BenchmarkQuestion,
  type Workspace,
} from '@genie-enhancer/shared';
import { readBenchmarkFile } from './benchmark-file.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import { resolveCliAuth } from './connect.ts';
import { parseWarehousePort } from './run-options.ts';

/** Flags shared by `genie-enhance benchmarks export|import|check`. */
export interface BenchmarkFlags {
  spaceId?: string;
  warehouseId?: string;
  host?: string;
  token?: string;
  profile?: string;
  out?: string;
  format?: string;
  warehousePort?: string;
  caCert?: string;
  json?: boolean;
}

function withConnectionFlags(command: Command): Command {
  return command
    .option('--host <url>', 'workspace URL (env DATABRICKS_HOST)')
    .option('--token <token>', 'personal access token (env DATABRICKS_TOKEN; or OAuth: DATABRICKS_CLIENT_ID/SECRET)')
    .option('--profile <name>', '~/.databrickscfg profile (env DATABRICKS_CONFIG_PROFILE)')
    .option('--warehouse-port <port>', 'SQL warehouse port (default: the host URL\'s, else 443)')
    .option('--ca-cert <file>', 'PEM CA certificate of a self-signed warehouse');
}

function spaceIdOf(flags: BenchmarkFlags, env: CliIo['env']): string {
  const id = flags.spaceId ?? env.GENIE_SPACE_ID;
  if (!id) throw new UsageError('--space-id: required (or GENIE_SPACE_ID)');
  return id;
}

async function open(flags: BenchmarkFlags, io: CliIo): Promise<Workspace> {
  const warehousePort = parseWarehousePort(flags.warehousePort);
  const caCertPem = flags.caCert
    ? await readFile(flags.caCert, 'utf8').catch(() => {
        throw new UsageError(`--ca-cert: cannot read ${flags.caCert}`);
      })
    : undefined;
  const auth = await resolveCliAuth(flags, io.env);
  return openWorkspace({ host: auth.host, auth, ...(warehousePort ? { warehousePort } : {}), ...(caCertPem ? { caCertPem } : {}) });
}

async function withWorkspace<T>(flags: BenchmarkFlags, io: CliIo, work: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await open(flags, io);
  try {
    return await work(ws);
  } finally {
    await ws.close();
  }
}

/** `benchmarks export`: the space's benchmark section as a file, in the space's format (default) or ours. */
async function exportBenchmarks(flags: BenchmarkFlags, io: CliIo): Promise<number> {
  const spaceId = spaceIdOf(flags, io.env);
  const format = flags.format ?? 'space';
  if (format !== 'space' && format !== 'ours') throw new UsageError(`--format: expected "space" or "ours", got "${format}"`);
  const space = await withWorkspace(flags, io, (ws) => ws.spaces.get(spaceId));
  const parsed = parseSerializedSpace(space.serialized_space);
  const items = parsed.benchmarks?.questions ?? [];
  const doc = format === 'space' ? { questions: items } : { name: space.title ?? spaceId, questions: benchmarkFromSpace(parsed) };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (flags.out) await writeFile(flags.out, text);
  else io.stdout.write(text);
  io.stderr.write(`exported ${doc.questions.length} benchmark questions of space ${spaceId}${flags.out ? ` to ${flags.out}` : ''}\n`);
  return 0;
}

/** `benchmarks import FILE`: adds the file's questions the space lacks (by question text); the space's own stay. */
async function importBenchmarks(file: string, flags: BenchmarkFlags, io: CliIo): Promise<number> {
  const spaceId = spaceIdOf(flags, io.env);
  const questions = await readBenchmarkFile(file);
  return withWorkspace(flags, io, async (ws) => {
    const space = await ws.spaces.get(spaceId);
    let merge: ReturnType<typeof mergeSpaceBenchmarks>;
    try {
      merge = mergeSpaceBenchmarks(space.serialized_space, questions);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
    if (merge.added.length > 0) await ws.spaces.update(spaceId, { serialized_space: merge.serializedSpace, ...(space.etag ? { etag: space.etag } : {}) });
    io.stderr.write(`imported ${merge.added.length} new benchmark questions into space ${spaceId} (${merge.alreadyThere.length} already there, ${merge.total} in all)\n`);
    return 0;
  });
}

/** `benchmarks check FILE | --space-id ID`: exit 0 when every question is good, 1 when some are bad. */
async function checkCommand(file: string | undefined, flags: BenchmarkFlags, io: CliIo): Promise<number> {
  if (file && flags.spaceId) throw new UsageError('benchmarks check: give either a FILE or --space-id, not both');
  if (!file && !flags.spaceId && !io.env.GENIE_SPACE_ID) throw new UsageError('benchmarks check: give a benchmark FILE or --space-id');
  const fileQuestions = file ? await readBenchmarkFile(file, { unchecked: true }) : undefined;
  const result = await withWorkspace(flags, io, async (ws) => {
    let questions: BenchmarkQuestion[] | undefined = fileQuestions;
    let warehouseId = flags.warehouseId ?? io.env.DATABRICKS_WAREHOUSE_ID;
    if (!questions) {
      const space = await ws.spaces.get(spaceIdOf(flags, io.env));
      const parsed = AnyBenchmarkUnchecked.safeParse(JSON.parse(space.serialized_space));
      if (!parsed.success) throw new UsageError(`--space-id: the space's benchmarks: ${parsed.error.issues[0].message}`);
      questions = parsed.data;
      warehouseId ??= space.warehouse_id;
    }
    if (!warehouseId) throw new UsageError('--warehouse-id: required to run the expected SQL (or DATABRICKS_WAREHOUSE_ID)');
    return checkBenchmark(questions, { warehouse: ws.warehouse(warehouseId) });
  });
  if (flags.json) io.stdout.write(`${JSON.stringify({ good: result.good.map((q) => q.id), bad: result.bad }, null, 2)}\n`);
  else {
    for (const bad of result.bad) io.stdout.write(`bad  ${bad.question_id}: ${bad.reasons.join('; ')}\n`);
    io.stdout.write(`${result.good.length} good, ${result.bad.length} bad\n`);
  }
  return result.bad.length === 0 ? 0 : 1;
}

/** Adds `genie-enhance benchmarks export|import|check`; each action reports its exit code through `setExit`. */
export function registerBenchmarkCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const benchmarks = program.command('benchmarks').description('move benchmarks between a file and a space, and check them');
  withConnectionFlags(
    benchmarks.command('export').description('write the space\'s benchmark questions to a file (stdout without -o)')
      .option('--space-id <id>', 'Genie space id (env GENIE_SPACE_ID)')
      .option('-o, --out <file>', 'output file')
      .option('--format <space|ours>', 'the space\'s own item format (default) or {questions: [{id, question, expected_sql}]}'),
  ).action(async (flags: BenchmarkFlags) => setExit(await exportBenchmarks(flags, io)));
  withConnectionFlags(
    benchmarks.command('import').description('add a file\'s questions to the space\'s benchmarks (by question text; the space\'s own are kept)')
      .argument('<file>', 'benchmark file, our format or the space\'s')
      .option('--space-id <id>', 'Genie space id (env GENIE_SPACE_ID)'),
  ).action(async (file: string, flags: BenchmarkFlags) => setExit(await importBenchmarks(file, flags, io)));
  withConnectionFlags(
    benchmarks.command('check').description('report bad benchmark questions: unsafe, failing or empty SQL, duplicates, identical results (exit 1 if any)')
      .argument('[file]', 'benchmark file (or --space-id)')
      .option('--space-id <id>', 'check the space\'s own benchmark questions')
      .option('--warehouse-id <id>', 'SQL warehouse to run the expected SQL on (default: the space\'s)')
      .option('--json', 'print {good: [ids], bad: [{question_id, reasons}]}'),
  ).action(async (file: string | undefined, flags: BenchmarkFlags) => setExit(await checkCommand(file, flags, io)));
}
