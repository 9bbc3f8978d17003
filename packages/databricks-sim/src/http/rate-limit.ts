/** Sliding one-minute window of Genie question requests, as the workspace limit counts them. */
export class QuestionRateLimit {
  private readonly times: number[] = [];
  constructor(public perMinute: number) {}

  /** Records a request when allowed; otherwise returns the seconds to wait. */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    while (this.times.length && this.times[0] <= now - 60_000) this.times.shift();
    if (this.perMinute > 0 && this.times.length >= this.perMinute) {
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((this.times[0] + 60_000 - now) / 1000)) };
    }
    this.times.push(now);
    return { ok: true };
  }
}
