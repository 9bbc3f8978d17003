/** ioredis/BullMQ errors that mean "Redis cannot be reached right now" (answered 503), not a bug (500). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /Connection is closed|enableOfflineQueue|Stream isn't writeable|connect ECONNREFUSED|Reached the max retries per request/i.test(error.message);
}
