import { DatabricksApiError, RateLimitedError, TimeoutError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { withRetry } from '../util/retry.ts';
import { patAuth, type DatabricksAuth } from './databricks-auth.ts';

export interface RestClientOptions {
  host: string;
  /** a personal access token; or `auth`, any credential the SDK resolved */
  token?: string;
  auth?: DatabricksAuth;
  timeoutMs?: number;
  retry?: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  logger?: Logger;
  fetch?: typeof fetch;
  /** false hands every 429 to the caller, e.g. a queue that waits and counts each attempt against a shared limit */
  retryRateLimited?: boolean;
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** safe to repeat after the server may have acted; a 429 is always retried (the server did not act) */
  idempotent: boolean;
}

export type RestClient = { request<T>(req: RestRequest): Promise<T>; host: string };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Databricks REST calls: the SDK's credentials, a per-attempt timeout, retries with backoff and jitter, typed errors.
 * Not the SDK's `apiClient.request`: it sends no body with PATCH (a space update would lose serialized_space),
 * retries 429 for up to 5 minutes without reading Retry-After, and its errors carry no retry decision.
 */
export function createRestClient(options: RestClientOptions): RestClient {
  const host = options.host.replace(/\/+$/, '');
  if (!options.auth && options.token === undefined) throw new Error('createRestClient: give auth or token');
  const auth = options.auth ?? patAuth(host, options.token!);
  const doFetch = options.fetch ?? fetch;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry = options.retry ?? { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

  async function once<T>(req: RestRequest): Promise<T> {
    const url = new URL(host + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const authHeaders = await auth.headers();
    let response: Response;
    try {
      response = await doFetch(url, {
        method: req.method,
        headers: { ...authHeaders, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new TimeoutError(`${req.method} ${req.path}`, timeoutMs);
      throw new DatabricksApiError(`${req.method} ${req.path}: ${(error as Error).message}`, undefined, 'NETWORK_ERROR', { retryable: true, cause: error });
    }
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : {}) as T;
    let body: { error_code?: string; message?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text.slice(0, 200) };
    }
    const message = `${req.method} ${req.path} → ${response.status} ${body.error_code ?? ''}: ${body.message ?? response.statusText}`;
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RateLimitedError(message, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined, body.error_code);
    }
    throw new DatabricksApiError(message, response.status, body.error_code, { retryable: RETRYABLE_STATUS.has(response.status) });
  }

  return {
    host,
    request: <T>(req: RestRequest) =>
      withRetry(() => once<T>(req), {
        ...retry,
        isRetryable: (error) => (error instanceof RateLimitedError ? options.retryRateLimited !== false : req.idempotent && (error as { retryable?: boolean }).retryable === true),
        onRetry: ({ attempt, delayMs, error }) => logger.warn({ path: req.path, attempt, delayMs, err: (error as Error).message }, 'retrying Databricks call'),
      }),
  };
}
