/** The REST API as the page calls it: same origin, the browser sends the key it was given (HTTP Basic). */

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly issues: Issue[] = []) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.method === 'POST' ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    ...(init.method === 'POST' ? { body: JSON.stringify(init.body ?? {}) } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(response.status, `${path}: HTTP ${response.status}, not JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, json.message ?? `${path}: HTTP ${response.status}`, json.issues ?? []);
  return json as T;
}
