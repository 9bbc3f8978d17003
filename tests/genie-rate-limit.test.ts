import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenieRateLimiter, rateLimitedGenie } from '@genie-enhancer/queue-runtime';
import { RateLimitedError, type GenieConversations } from '@genie-enhancer/shared';
import { testRedis, type TestRedis } from './helpers/test-redis.ts';
import { busiestWindow } from './helpers/busiest-window.ts';

describe('the Genie rate limit shared through Redis', () => {
  let t: TestRedis;
  const connections: Redis[] = [];
  beforeAll(async () => void (t = await testRedis('limiter')));
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    await t.cleanup();
  });
  // one connection per limiter, as separate worker processes would have
  const limiterFor = (config: ConstructorParameters<typeof GenieRateLimiter>[1], prefix: string) => {
    const connection = new Redis(t.url);
    connections.push(connection);
    return new GenieRateLimiter(connection, config, prefix);
  };

  it('never lets more than the limit start in any sliding window, across limiter instances', async () => {
    const prefix = `${t.prefix}:window`;
    const limiters = [0, 1, 2].map(() => limiterFor({ perMinute: 4, maxInFlight: 0, windowMs: 1_000, safetyMarginMs: 25 }, prefix));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const release = await limiters[i % 3].acquire();
      starts.push(Date.now());
      await release();
    }));
    expect(starts).toHaveLength(12);
    expect(busiestWindow(starts, 1_000)).toBe(4);
    // 12 starts at 4 per second need at least two full windows after the first batch
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(2_000 - 50);
  });

  it('caps conversations in flight across instances and frees a slot when a question ends', async () => {
    const prefix = `${t.prefix}:inflight`;
    const limiters = [0, 1].map(() => limiterFor({ perMinute: 0, maxInFlight: 2 }, prefix));
    let inFlight = 0;
    let peak = 0;
    const slowGenie: GenieConversations = {
      async ask() {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
        return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED' };
      },
    };
    const genies = limiters.map((l) => rateLimitedGenie(slowGenie, l));
    await Promise.all(Array.from({ length: 10 }, (_, i) => genies[i % 2].ask('space', `q${i}`)));
    expect(peak).toBe(2);
  });

  it("holds each run to its own concurrency (1 = one question at a time) under the global cap", async () => {
    const prefix = `${t.prefix}:perrun`;
    const limiter = limiterFor({ perMinute: 0, maxInFlight: 10 }, prefix);
    const peaks: Record<string, { now: number; peak: number }> = { sequential: { now: 0, peak: 0 }, batched: { now: 0, peak: 0 } };
    const genieOf = (run: 'sequential' | 'batched', maxInFlight: number) => rateLimitedGenie({
      async ask() {
        const p = peaks[run];
        p.peak = Math.max(p.peak, ++p.now);
        await new Promise((r) => setTimeout(r, 30));
        p.now--;
        return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED' };
      },
    }, limiter, { runId: run, maxInFlight });
    const [sequential, batched] = [genieOf('sequential', 1), genieOf('batched', 3)];
    await Promise.all(Array.from({ length: 8 }, (_, i) => [sequential.ask('s', `a${i}`), batched.ask('s', `b${i}`)]).flat());
    expect(peaks.sequential.peak).toBe(1);
    expect(peaks.batched.peak).toBe(3);
  });

  it('frees the in-flight slot when Genie answers 429, so the retry can take a new one', async () => {
    const prefix = `${t.prefix}:429`;
    const limiter = limiterFor({ perMinute: 0, maxInFlight: 1 }, prefix);
    let calls = 0;
    const flaky = rateLimitedGenie({
      async ask() {
        if (++calls === 1) throw new RateLimitedError('429', 10);
        return { conversation_id: 'c', message_id: 'm', status: 'COMPLETED' };
      },
    }, limiter);
    await expect(flaky.ask('s', 'q')).rejects.toBeInstanceOf(RateLimitedError);
    await expect(flaky.ask('s', 'q')).resolves.toMatchObject({ status: 'COMPLETED' });
  });
});
