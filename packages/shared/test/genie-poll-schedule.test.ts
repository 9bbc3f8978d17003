import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay, TypicalLatency } from '../src/clients/genie-poll-schedule.ts';

/** The times (ms after the question opened) at which the schedule polls, up to `untilMs`. */
function pollTimes(untilMs: number, typicalMs?: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (;;) {
    const delay = nextPollDelay(DEFAULT_POLL_SCHEDULE, at, typicalMs);
    at += delay;
    if (at > untilMs) return times;
    times.push(at);
  }
}

describe('the Genie poll schedule', () => {
  it('sees an answer ready at 2 s within one short poll', () => {
    const seen = pollTimes(10_000).find((t) => t >= 2_000)!;
    expect(seen - 2_000).toBeLessThanOrEqual(DEFAULT_POLL_SCHEDULE.initialMs);
  });

  it('backs off after the fast phase and never waits longer than the maximum', () => {
    const times = pollTimes(120_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBe(DEFAULT_POLL_SCHEDULE.maxMs);
    expect(gaps.filter((g, i) => i > 0 && g < gaps[i - 1])).toEqual([]);
  });

  it('stays bounded: 20 polls in the first 5 s, under 40 for a minute, under 55 for two', () => {
    expect(pollTimes(5_000)).toHaveLength(20);
    expect(pollTimes(60_000).length).toBeLessThan(40);
    expect(pollTimes(120_000).length).toBeLessThan(55);
  });

  it('polls every 100 ms around the latency answers usually have, with few extra polls', () => {
    for (const typical of [2_000, 2_250, 30_000]) {
      const times = pollTimes(typical + 10_000, typical);
      // an answer at the usual time, or up to 500 ms after it, is seen within ~100 ms
      for (const ready of [typical, typical + 250, typical + 450]) expect(times.find((t) => t >= ready)! - ready).toBeLessThanOrEqual(DEFAULT_POLL_SCHEDULE.nearTypicalMs);
      expect(times.length - pollTimes(typical + 10_000).length).toBeLessThanOrEqual(8);
    }
  });

  it('learns the typical latency from recent answers', () => {
    const typical = new TypicalLatency();
    expect(typical.value).toBeUndefined();
    for (let i = 0; i < 30; i++) typical.observe(2_000);
    for (let i = 0; i < 30; i++) typical.observe(4_000);
    expect(typical.value).toBeGreaterThan(3_900);
  });
});
