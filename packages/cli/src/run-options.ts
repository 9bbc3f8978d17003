import { randomUUID } from 'node:crypto';
import { CLASSIC_LEVERS, RunConfig, type HistoryTarget, type RunConfigInput } from '@genie-enhancer/shared';
import { UsageError } from './cli-io.ts';
import { historyTargetOf, type HistoryFlags } from './history-options.ts';

/** Flags of `genie-enhance run` as commander parses them (strings until validated). */
export interface RunFlags extends HistoryFlags {
  /** false with --no-history */
  history?: boolean;
  spaceId?: string;
  warehouseId?: string;
  benchmarks?: string;
  spaceBenchmarks?: boolean;
  host?: string;
  token?: string;
  profile?: string;
  targetScore?: string;
  maxLoops?: string;
  genieConcurrent?: string;
  batch?: boolean;
  llmEndpoint?: string;
  questionTimeout?: string;
  holdout?: string;
  splitSeed?: string;
  allowRegressions?: string;
  repeats?: string;
  alpha?: string;
  levers?: string;
  scorer?: string;
  autoPromote?: boolean;
  inPlace?: boolean;
  dryRun?: boolean;
  stateDir?: string;
  warehousePort?: string;
  caCert?: string;
  benchmarkWarehouseToken?: string;
  json?: boolean;
  verbose?: boolean;
  record?: string;
}

/** Validated options of one run: the RunConfig plus where to connect and what to read. */
export interface RunOptions {
  config: RunConfig;
  benchmarkSource: { file: string } | { space: true };
  host?: string;
  token?: string;
  profile?: string;
  warehousePort?: number;
  caCertFile?: string;
  /** a separate warehouse token for benchmark and Genie SQL */
  benchmarkWarehouseToken?: string;
  json: boolean;
  stateDir?: string;
  verbose: boolean;
  /** --record DIR: write every exchange with the workspace there as cassettes */
  recordDir?: string;
  /** where the run's history goes; undefined with --no-history or --dry-run (which writes nothing) */
  history?: HistoryTarget;
}

const FLAG_OF: Record<string, string> = {
  space_id: '--space-id (or GENIE_SPACE_ID)',
  warehouse_id: '--warehouse-id (or DATABRICKS_WAREHOUSE_ID)',
  target_score: '--target-score',
  max_loops: '--max-loops',
  genie_concurrency: '--genie-concurrent',
  batch: '--no-batch',
  llm_endpoint: '--llm-endpoint',
  question_timeout_s: '--question-timeout',
  holdout: '--holdout',
  split_seed: '--split-seed',
  allow_regressions: '--allow-regressions',
  repeats: '--repeats',
  alpha: '--alpha',
  levers: '--levers',
  scorer: '--scorer',
  auto_promote: '--auto-promote',
  in_place: '--in-place',
  dry_run: '--dry-run',
};

/** A number flag as a number, or the raw text so that validation reports it. */
function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/** Flags and environment into validated RunOptions; throws a UsageError naming the first bad field. */
export function parseRunOptions(flags: RunFlags, env: Record<string, string | undefined>): RunOptions {
  const input: Record<string, unknown> = {
    space_id: flags.spaceId ?? env.GENIE_SPACE_ID ?? '',
    warehouse_id: flags.warehouseId ?? env.DATABRICKS_WAREHOUSE_ID ?? '',
    target_score: numeric(flags.targetScore),
    max_loops: numeric(flags.maxLoops),
    genie_concurrency: numeric(flags.genieConcurrent),
    batch: flags.batch ?? true,
    llm_endpoint: flags.llmEndpoint,
    question_timeout_s: numeric(flags.questionTimeout),
    holdout: numeric(flags.holdout),
    split_seed: flags.splitSeed,
    allow_regressions: numeric(flags.allowRegressions),
    repeats: numeric(flags.repeats),
    alpha: numeric(flags.alpha),
    levers: leverList(flags.levers),
    scorer: flags.scorer,
    auto_promote: flags.autoPromote,
    in_place: flags.inPlace,
    dry_run: flags.dryRun,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  const parsed = RunConfig.safeParse(input as RunConfigInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? '');
    const given = input[field];
    const shown = typeof given === 'string' && issue.code === 'invalid_type' ? `expected a number, got "${given}"` : issue.message;
    throw new UsageError(`${FLAG_OF[field] ?? field}: ${shown}`);
  }
  if (flags.benchmarks && flags.spaceBenchmarks) throw new UsageError('--benchmarks: give either a benchmark file or --space-benchmarks, not both');
  if (!flags.benchmarks && !flags.spaceBenchmarks) throw new UsageError('--benchmarks: give a benchmark file (--benchmarks FILE) or --space-benchmarks');
  const warehousePort = parseWarehousePort(flags.warehousePort);
  if (flags.record !== undefined && !flags.record.trim()) throw new UsageError('--record: give a directory');
  // a recorded run gets a split seed of its own (else the random run id) so that its replay splits the same way
  const config = flags.record && !parsed.data.split_seed ? { ...parsed.data, split_seed: randomUUID() } : parsed.data;
  const history = flags.history === false || parsed.data.dry_run ? undefined : historyTargetOf(flags, env);
  const benchmarkWarehouseToken = flags.benchmarkWarehouseToken ?? env.BENCHMARK_WAREHOUSE_TOKEN;
  return {
    config,
    ...(history ? { history } : {}),
    benchmarkSource: flags.benchmarks ? { file: flags.benchmarks } : { space: true },
    host: flags.host ?? env.DATABRICKS_HOST,
    token: flags.token ?? env.DATABRICKS_TOKEN,
    profile: flags.profile ?? env.DATABRICKS_CONFIG_PROFILE,
    ...(warehousePort !== undefined ? { warehousePort } : {}),
    ...(flags.caCert ? { caCertFile: flags.caCert } : {}),
    ...(benchmarkWarehouseToken ? { benchmarkWarehouseToken } : {}),
    json: flags.json ?? false,
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    verbose: flags.verbose ?? false,
    ...(flags.record ? { recordDir: flags.record } : {}),
  };
}

/** --levers as a list ("classic" = the four classic kinds); validation names a kind that does not exist. */
function leverList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean).flatMap((s) => (s === 'classic' ? [...CLASSIC_LEVERS] : [s]));
}

/** --warehouse-port as a number; a bad one is a UsageError naming the flag. */
export function parseWarehousePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--warehouse-port: expected a port number 1-65535, got "${value}"`);
  return port;
}
