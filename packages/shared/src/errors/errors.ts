/** Base of every error this project throws on purpose; `retryable` drives retry decisions. */
export class GenieEnhancerError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = this.constructor.name;
    this.retryable = options.retryable ?? false;
  }
}

/** A Databricks REST call answered with an error body `{error_code, message}` or failed in transport. */
export class DatabricksApiError extends GenieEnhancerError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    options: { retryable?: boolean; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** HTTP 429 (or a Genie message failed with a rate-limit error type). */
export class RateLimitedError extends DatabricksApiError {
  constructor(message: string, retryAfterMs: number | undefined, errorCode = 'RESOURCE_EXHAUSTED') {
    super(message, 429, errorCode, { retryable: true, retryAfterMs });
  }
}

/** An operation ran past its deadline. */
export class TimeoutError extends GenieEnhancerError {
  constructor(what: string, readonly timeoutMs: number) {
    super(`${what} timed out after ${timeoutMs} ms`, { retryable: true });
  }
}

/** The SQL warehouse rejected or failed a statement. */
export class SqlExecutionError extends GenieEnhancerError {
  constructor(message: string, readonly sqlState?: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options);
  }
}

/** The planner LLM did not produce valid fix JSON, even after the retry. */
export class PlannerOutputError extends GenieEnhancerError {
  constructor(message: string, readonly lastAnswer: string, readonly issues: string) {
    super(message);
  }
}

/** Bad user input: a flag, a config value, a benchmark file. The message names the field. */
export class InputError extends GenieEnhancerError {}

/** Genie did not answer one question before its deadline: a verdict on that question, not an outage. */
export class QuestionTimeoutError extends TimeoutError {}

/** The run's workspace, warehouse or planner endpoint is not usable; the message names each problem. */
export class PreflightError extends GenieEnhancerError {
  constructor(readonly problems: string[]) {
    super(`preflight failed: ${problems.join('; ')}`);
  }
}

/**
 * The space changed under a loop: since its plan was made, or between the update's read and its write (etag).
 * Nothing was written; the run engine decides what follows (plan the loop again against the space as it is now).
 */
export class SpaceConflictError extends GenieEnhancerError {}

/** A run cannot go on safely (a rollback that did not restore the space): it ends `failed` at once, never retried. */
export class RunAbortedError extends GenieEnhancerError {}
