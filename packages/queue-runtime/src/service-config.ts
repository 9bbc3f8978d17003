import { z } from 'zod';
import type { GenieRateLimitConfig } from './genie-rate-limit.ts';

export type Env = Record<string, string | undefined>;

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const optional = z.string().min(1).optional();
// an empty variable is taken as unset, as shells and compose files often leave them
const blankAsUnset = (env: Env): Env => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

/** What every service reads: Redis, logging and the workspace (host and credentials, or a ~/.databrickscfg profile). */
const Common = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /** prefix of every Redis key: queues, runs, rate limit; lets stacks share one Redis */
  REDIS_KEY_PREFIX: z.string().regex(/^[\w{}-]+$/, 'letters, digits, _, -, { and } only').default('ge'),
  /** `host:port,host:port`: seed nodes of a Redis Cluster (then the key prefix becomes a hash tag, `{ge}`) */
  REDIS_CLUSTER_NODES: z.string().regex(/^\s*[^,\s]+:\d{1,5}\s*(,\s*[^,\s]+:\d{1,5}\s*)*$/, 'expected host:port[,host:port...]').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABRICKS_HOST: optional,
  DATABRICKS_TOKEN: optional,
  DATABRICKS_CONFIG_PROFILE: optional,
  DATABRICKS_CONFIG_FILE: optional,
  /** OAuth M2M (a service principal); the SDK's credential chain also takes the Azure and Google ones below */
  DATABRICKS_CLIENT_ID: optional,
  DATABRICKS_CLIENT_SECRET: optional,
  /** force one credential type: pat, oauth-m2m, databricks-cli, azure-cli, azure-client-secret, google-credentials, ... */
  DATABRICKS_AUTH_TYPE: optional,
  ARM_CLIENT_ID: optional,
  ARM_CLIENT_SECRET: optional,
  ARM_TENANT_ID: optional,
  DATABRICKS_AZURE_RESOURCE_ID: optional,
  GOOGLE_CREDENTIALS: optional,
  DATABRICKS_GOOGLE_SERVICE_ACCOUNT: optional,
  /** Thrift port of the SQL warehouses when not the host's (the simulator's) */
  DATABRICKS_WAREHOUSE_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** PEM file of a self-signed warehouse certificate (the simulator's) */
  DATABRICKS_CA_CERT_FILE: optional,
  /** record every exchange with the workspace into this directory as scrubbed cassettes (docs/record-replay.md) */
  GENIE_ENHANCER_RECORD_DIR: optional,
  /** a separate token (read-only grants) for benchmark and Genie SQL on the warehouse; default: the workspace credential */
  BENCHMARK_WAREHOUSE_TOKEN: optional,
  /** every Redis key of a run expires this many days after its last write */
  RUN_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
  /** first retry delay of a failed job; doubles per attempt, with jitter */
  JOB_RETRY_BACKOFF_MS: count(2_000),
  /** run history in Delta tables: `false` stops feeding the outbox (see docs/history.md) */
  HISTORY_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  HISTORY_CATALOG: z.string().regex(/^[A-Za-z_]\w*$/, 'letters, digits and _').default('main'),
  HISTORY_SCHEMA: z.string().regex(/^[A-Za-z_]\w*$/, 'letters, digits and _').default('genie_enhancement'),
  /** the SQL warehouse that writes and reads the history tables (DATABRICKS_WAREHOUSE_ID when unset) */
  HISTORY_WAREHOUSE_ID: optional,
  DATABRICKS_WAREHOUSE_ID: optional,
  /** the outbox keeps at most about this many events not yet mirrored (a long warehouse outage) */
  HISTORY_OUTBOX_MAX_LENGTH: z.coerce.number().int().min(1_000).default(1_000_000),
});

export const WorkerConfig = Common.extend({
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  /** a lapsed lock (killed process) is noticed after this long */
  WORKER_LOCK_DURATION_MS: count(30_000),
  WORKER_STALLED_INTERVAL_MS: count(30_000),
  /** planner prompt templates other than the packaged ones */
  PROMPTS_DIR: optional,
  /** GET /metrics (Prometheus) on this port, 0 = any free one; unset = no metrics endpoint */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export const ScorerConfig = WorkerConfig.extend({
  /** Genie questions started per sliding minute on this scorer's workspace, across every scorer; 0 = unlimited */
  GENIE_QUESTIONS_PER_MINUTE: count(5),
  /** the sliding window of that limit (the workspace counts a minute; shorter only in tests) */
  GENIE_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  /** Genie conversations in flight at once, across every scorer; 0 = unlimited */
  GENIE_MAX_IN_FLIGHT: count(3),
  GENIE_RATE_SAFETY_MARGIN_MS: count(250),
  GENIE_IN_FLIGHT_LEASE_MS: count(600_000),
});
export type ScorerConfig = z.infer<typeof ScorerConfig>;

export const ApiConfig = Common.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** all interfaces only when asked (HOST=0.0.0.0) */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** where `benchmark_name` files are read from (default: the repository's benchmarks/) */
  BENCHMARKS_DIR: optional,
  /** GET /runs marks a running run `stalled` when its state has not changed for this long (a dead worker) */
  RUN_STALLED_AFTER_S: z.coerce.number().int().positive().default(900),
  /** `disabled`: no authentication, for local development only */
  API_AUTH: z.enum(['required', 'disabled']).default('required'),
  /** one admin key accepted without Redis (`pnpm stack`, tests, first boot) */
  GENIE_ENHANCER_BOOTSTRAP_KEY: optional,
  /** requests per minute per API key (0 = the API's default) */
  API_RATE_LIMIT_PER_MINUTE: count(0),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

export const MirrorConfig = Common.extend({
  /** outbox events per batch: one MERGE per table and batch */
  HISTORY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
});
export type MirrorConfig = z.infer<typeof MirrorConfig>;

/** What the run store needs to feed the history outbox, or undefined when history is off. */
export function historyOutboxOptions(config: z.infer<typeof Common>): { maxLength: number } | undefined {
  return config.HISTORY_ENABLED ? { maxLength: config.HISTORY_OUTBOX_MAX_LENGTH } : undefined;
}

/** The warehouse that holds the history tables, if one is configured. */
export const historyWarehouseId = (config: z.infer<typeof Common>): string | undefined => config.HISTORY_WAREHOUSE_ID ?? config.DATABRICKS_WAREHOUSE_ID;

/** A bad environment: every bad key in one message. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid environment: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a service's environment once, at start-up; nothing else reads process.env. */
export function parseServiceConfig<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const parsed = schema.safeParse(blankAsUnset(env));
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
}

export function genieRateLimitSettings(config: ScorerConfig): GenieRateLimitConfig {
  return {
    perMinute: config.GENIE_QUESTIONS_PER_MINUTE,
    maxInFlight: config.GENIE_MAX_IN_FLIGHT,
    windowMs: config.GENIE_RATE_WINDOW_MS,
    safetyMarginMs: config.GENIE_RATE_SAFETY_MARGIN_MS,
    leaseMs: config.GENIE_IN_FLIGHT_LEASE_MS,
  };
}
