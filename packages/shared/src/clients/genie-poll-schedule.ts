/**
 * When to look at a Genie message again. Most answers are ready within a few seconds, so the first polls are short
 * (an answer ready at 2 s is seen by ~2.25 s instead of 2.8-4.2 s with a doubling schedule from 500 ms); after
 * `fastForMs` the interval grows by `growth` up to `maxMs`, so a slow answer costs few requests. Polls do not count
 * against Genie's question limit, but they are bounded: at most fastForMs / initialMs polls (20 by default) in the
 * first 5 s, then at most one every maxMs (5 s) — under 40 polls for a question that takes a minute.
 */
export interface PollSchedule {
  initialMs: number;
  fastForMs: number;
  growth: number;
  maxMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 250, fastForMs: 5_000, growth: 1.5, maxMs: 5_000 };

/** The wait before the next poll, given how long the question has been open and the previous wait. */
export function nextPollDelay(schedule: PollSchedule, elapsedMs: number, previousMs: number | undefined): number {
  if (previousMs === undefined || elapsedMs < schedule.fastForMs) return schedule.initialMs;
  return Math.min(schedule.maxMs, Math.max(schedule.initialMs, previousMs * schedule.growth));
}
