/**
 * When to look at a Genie message again. Most answers are ready within a few seconds, so the first polls are short
 * (an answer ready at 2 s is seen by ~2.25 s instead of 2.8-4.2 s with a doubling schedule from 500 ms); after
 * `fastForMs` the wait grows with the time spent, up to `maxMs`, so a slow answer costs few requests. Once answers
 * have been seen, polls are 100 ms apart around their usual latency. Polls do not count against Genie's question
 * limit, but they are bounded: 20 in the first 5 s, at most 8 more around the usual latency, then at most one every
 * 5 s: under 40 for a question that takes a minute.
 */
export interface PollSchedule {
  initialMs: number;
  fastForMs: number;
  growth: number;
  maxMs: number;
  /** around the latency answers usually have (from `typicalMs`), polls come this often */
  nearTypicalMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 250, fastForMs: 5_000, growth: 1.5, maxMs: 5_000, nearTypicalMs: 100 };

/**
 * The wait before the next poll, given how long the question has been open and the previous wait. With a typical
 * latency learned from earlier answers, the polls from 200 ms before it to 500 ms after it are 100 ms apart (at most
 * 7 more polls per question), so an answer at the usual time is seen within ~100 ms.
 */
export function nextPollDelay(schedule: PollSchedule, elapsedMs: number, typicalMs?: number): number {
  // after the fast phase the wait grows with the time already spent: by half of it (growth 1.5), up to maxMs
  const base = elapsedMs < schedule.fastForMs ? schedule.initialMs : Math.min(schedule.maxMs, schedule.initialMs + (schedule.growth - 1) * (elapsedMs - schedule.fastForMs));
  if (typicalMs === undefined) return base;
  const [from, to] = [typicalMs - 200, typicalMs + 500];
  // land a poll on the start of the fine window, then poll finely through it
  if (elapsedMs < from) return Math.max(schedule.nearTypicalMs, Math.min(base, from - elapsedMs));
  if (elapsedMs < to) return Math.min(base, schedule.nearTypicalMs);
  return base;
}

/** A running estimate of how long answers take: an exponentially weighted mean of the latest ones. */
export class TypicalLatency {
  private mean: number | undefined;
  constructor(private readonly weight = 0.2) {}
  get value(): number | undefined {
    return this.mean;
  }
  observe(ms: number): void {
    this.mean = this.mean === undefined ? ms : this.mean + this.weight * (ms - this.mean);
  }
}
