import { DatabricksApiError, PreflightError, QuestionTimeoutError, RateLimitedError, TimeoutError } from './errors.ts';

/**
 * An outage rather than an answer: the workspace, warehouse or endpoint could not be reached, refused us, failed
 * with a 5xx or timed out after the client's own retries. Such errors fail the job (the queue retries it) and
 * finally the run; they never become a question's verdict.
 */
export function isInfrastructureError(error: unknown): boolean {
  if (error instanceof QuestionTimeoutError) return false;
  return error instanceof DatabricksApiError || error instanceof TimeoutError || error instanceof PreflightError || isTransportError(error);
}

function isTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(ECONN|ENOTFOUND|EAI_AGAIN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO|ERR_TLS|ERR_SSL)/.test(code);
}

/** One line for a run that failed on an outage, saying what could not be reached. */
export function describeFailure(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof PreflightError || error instanceof RateLimitedError) return message;
  if (error instanceof DatabricksApiError) {
    if (error.errorCode === 'WAREHOUSE_UNAVAILABLE') return `warehouse unreachable: ${message}`;
    if (error.errorCode === 'NETWORK_ERROR') return `workspace unreachable: ${message}`;
    if (error.status === 401 || error.status === 403 || error.errorCode === 'PERMISSION_DENIED') return `access denied: ${message}`;
    if (error.status !== undefined && error.status >= 500) return `workspace error: ${message}`;
  }
  if (error instanceof TimeoutError) return `timed out: ${message}`;
  return message;
}
