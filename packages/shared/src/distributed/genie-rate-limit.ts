import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GenieConversations } from '../stages/ports.ts';
import { sleep } from '../util/retry.ts';

export interface GenieRateLimitConfig {
  /** Genie questions started per window, across every process; 0 = unlimited */
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

// One atomic step on two sorted sets, timed by the Redis clock so every process agrees:
// KEYS[1] = start times in the sliding window, KEYS[2] = in-flight leases (score = lease expiry).
// Returns 0 when the slot was taken, else the milliseconds worth waiting before asking again.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max, window, maxInFlight, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if maxInFlight > 0 and redis.call('ZCARD', KEYS[2]) >= maxInFlight then return 100 end
if max > 0 and redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[2], lease)
return 0
`;

/** One Genie rate limit (questions per sliding minute and conversations in flight) shared through Redis. */
export class GenieRateLimiter {
  private readonly windowKey: string;
  private readonly inFlightKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly config: GenieRateLimitConfig,
    prefix = 'ge',
  ) {
    this.windowKey = `${prefix}:genie:window`;
    this.inFlightKey = `${prefix}:genie:inflight`;
  }

  /** Waits for a slot; returns the function that frees the in-flight part of it. */
  async acquire(signal?: AbortSignal): Promise<() => Promise<void>> {
    const member = randomUUID();
    const window = (this.config.windowMs ?? 60_000) + (this.config.safetyMarginMs ?? 1_000);
    for (;;) {
      const waitMs = Number(
        await this.redis.eval(ACQUIRE, 2, this.windowKey, this.inFlightKey, this.config.perMinute, window, this.config.maxInFlight, this.config.leaseMs ?? 600_000, member),
      );
      if (waitMs === 0) return async () => void (await this.redis.zrem(this.inFlightKey, member));
      // jitter spreads the waiting processes so they do not all ask again in the same millisecond
      await sleep(Math.min(waitMs, 5_000) + Math.random() * 50, signal);
    }
  }
}

/** Genie whose every question first takes a slot of the shared limit (each retry of a 429 takes a new one). */
export function rateLimitedGenie(genie: GenieConversations, limiter: GenieRateLimiter): GenieConversations {
  return {
    async ask(spaceId, question, options) {
      const release = await limiter.acquire(options?.signal);
      try {
        return await genie.ask(spaceId, question, options);
      } finally {
        await release();
      }
    },
  };
}
