import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client.ts';
import { scaleMetrics } from './metrics.ts';
import { RateLimitedError, sleep, type GenieConversations } from '@genie-enhancer/shared';

export interface GenieRateLimitConfig {
  /** Genie questions started per window on one workspace, across every process; 0 = unlimited */
  perMinute: number;
  /** conversations in flight at once, across every process; 0 = unlimited */
  maxInFlight: number;
  /** the workspace counts a sliding minute */
  windowMs?: number;
  /** added to the window: a request reaches Genie a little after its slot is taken */
  safetyMarginMs?: number;
  /** an in-flight slot of a process that died is freed after this long */
  leaseMs?: number;
}

// One atomic step on sorted sets, timed by the Redis clock so every process agrees:
// KEYS[1] = start times in the sliding window, KEYS[2] = in-flight leases (score = lease expiry),
// KEYS[3] = the in-flight leases of one run (its own concurrency). ARGV[6] = that run's cap, 0 = none.
// Returns 0 when the slot was taken, else the milliseconds worth waiting before asking again.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max, window, maxInFlight, lease, runMax = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if maxInFlight > 0 and redis.call('ZCARD', KEYS[2]) >= maxInFlight then return 100 end
if runMax > 0 and redis.call('ZCARD', KEYS[3]) >= runMax then return 100 end
if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[5])
  redis.call('PEXPIRE', KEYS[i], lease)
end
return 0
`;

// KEYS[1] = the window; ARGV[1] = the slot, ARGV[2] = the window's length. Moves a slot still in the window to now
// (Redis clock), never earlier, and keeps the key alive as long as that slot counts.
const RESTAMP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if at and tonumber(at) < now then
  redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** A run's own share of the limit: at most maxInFlight of its questions open at once (1 = one by one). */
export interface RunScope {
  runId: string;
  maxInFlight: number;
}

/**
 * The Redis keys of one workspace's limit. The limit belongs to the workspace, not to a stack, so the keys are not
 * under REDIS_KEY_PREFIX: every stack on one Redis that asks the same workspace shares its limit, and stacks on
 * different workspaces never wait for each other. The host is a hash tag, so the script's keys share one slot on
 * Redis Cluster.
 */
export function genieLimitKeys(workspace: string): { window: string; inFlight: string; run: (runId: string) => string } {
  const base = `genie-limit:{${workspace}}`;
  return { window: `${base}:window`, inFlight: `${base}:inflight`, run: (runId) => `${base}:inflight:${runId}` };
}

/** The key of a workspace URL as written anywhere (`https://Host:443/`, `host`): its lower-case host[:port]. */
export function workspaceKey(host: string): string {
  const url = new URL(/^https?:\/\//i.test(host) ? host : `https://${host}`);
  return url.host.toLowerCase();
}

/** One workspace's Genie rate limit (questions per sliding minute and conversations in flight), shared through Redis. */
export class GenieRateLimiter {
  private readonly windowKey: string;
  private readonly inFlightKey: string;
  private readonly runKey: (runId: string) => string;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: GenieRateLimitConfig,
    /** the workspace whose limit this is (workspaceKey of its host) */
    readonly workspace = 'default',
  ) {
    const keys = genieLimitKeys(workspace);
    this.windowKey = keys.window;
    this.inFlightKey = keys.inFlight;
    this.runKey = keys.run;
  }

  /**
   * Counts a slot from now instead of from when it was taken. Called once the workspace has answered the request:
   * it arrived before that, so a window counted from here is never shorter at the workspace than ours, however long
   * the request took to get there (a cold or loaded process); the safety margin then only covers clock skew.
   */
  async restamp(slot: string): Promise<void> {
    await this.redis.eval(RESTAMP, 1, this.windowKey, slot, this.windowMs());
  }

  private windowMs(): number {
    return (this.config.windowMs ?? 60_000) + (this.config.safetyMarginMs ?? 250);
  }

  /** Waits for a slot; returns the function that frees the in-flight part of it, and the slot (for restamp). */
  async acquire(options: { signal?: AbortSignal; run?: RunScope } = {}): Promise<(() => Promise<void>) & { slot: string }> {
    const member = randomUUID();
    const window = this.windowMs();
    const runKey = this.runKey(options.run?.runId ?? 'none');
    const started = performance.now();
    for (;;) {
      const waitMs = Number(
        await this.redis.eval(
          ACQUIRE, 3, this.windowKey, this.inFlightKey, runKey,
          this.config.perMinute, window, this.config.maxInFlight, this.config.leaseMs ?? 600_000, member, options.run?.maxInFlight ?? 0,
        ),
      );
      if (waitMs === 0) {
        scaleMetrics.limiterWait.observe({ workspace: this.workspace }, (performance.now() - started) / 1000);
        return Object.assign(async () => void (await this.redis.multi().zrem(this.inFlightKey, member).zrem(runKey, member).exec()), { slot: member });
      }
      // jitter spreads the waiting processes so they do not all ask again in the same millisecond
      await sleep(Math.min(waitMs, 5_000) + Math.random() * 50, options.signal);
    }
  }
}

/** Genie whose every question first takes a slot of the shared limit (each retry of a 429 takes a new one). */
export function rateLimitedGenie(genie: GenieConversations, limiter: GenieRateLimiter, run?: RunScope): GenieConversations {
  return {
    async ask(spaceId, question, options) {
      const release = await limiter.acquire({ ...(options?.signal ? { signal: options.signal } : {}), ...(run ? { run } : {}) });
      const timer = scaleMetrics.genieLatency.startTimer({ workspace: limiter.workspace });
      try {
        // a failed re-stamp only loses its extra safety; it must not fail a question Genie has already started
        const onStarted = async () => {
          await limiter.restamp(release.slot).catch(() => undefined);
          await options?.onStarted?.();
        };
        const answer = await genie.ask(spaceId, question, { ...options, onStarted });
        timer({ outcome: answer.status.toLowerCase() });
        return answer;
      } catch (error) {
        timer({ outcome: error instanceof RateLimitedError ? 'rate_limited' : 'error' });
        if (error instanceof RateLimitedError) scaleMetrics.genie429.inc({ workspace: limiter.workspace });
        throw error;
      } finally {
        await release();
      }
    },
  };
}
