import type { Env } from './worker-runtime.ts';
import type { GenieRateLimitConfig } from './genie-rate-limit.ts';

const int = (env: Env, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: expected a whole number ≥ 0, got "${raw}"`);
  return value;
};

/** Worker settings from the environment; a bad value stops the service with a message naming the variable. */
export function workerSettings(env: Env, defaults: { concurrency: number }) {
  return {
    concurrency: Math.max(1, int(env, 'WORKER_CONCURRENCY', defaults.concurrency)),
    lockDurationMs: int(env, 'WORKER_LOCK_DURATION_MS', 30_000),
    stalledIntervalMs: int(env, 'WORKER_STALLED_INTERVAL_MS', 30_000),
    /** prefix of every Redis key: queues, run store, rate limit; lets stacks share one Redis */
    redisPrefix: env.REDIS_KEY_PREFIX ?? 'ge',
  };
}

/** The one Genie limit every scorer shares. */
export function genieRateLimitSettings(env: Env): GenieRateLimitConfig {
  return {
    perMinute: int(env, 'GENIE_QUESTIONS_PER_MINUTE', 5),
    maxInFlight: int(env, 'GENIE_MAX_IN_FLIGHT', 3),
    safetyMarginMs: int(env, 'GENIE_RATE_SAFETY_MARGIN_MS', 1_000),
    leaseMs: int(env, 'GENIE_IN_FLIGHT_LEASE_MS', 600_000),
  };
}
