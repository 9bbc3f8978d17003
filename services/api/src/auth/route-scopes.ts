import type { Scope } from './api-keys.ts';

/** Routes anyone may call: liveness and readiness probes. */
const OPEN = new Set(['/healthz', '/readyz']);

/** The scope a request needs, from its route pattern (or raw path for 404s); undefined = open. */
export function requiredScope(method: string, routeUrl: string | undefined, path: string): Scope | undefined {
  const url = routeUrl ?? path.split('?')[0];
  if (OPEN.has(url)) return undefined;
  if (url === '/admin/queues' || url.startsWith('/admin/queues/')) return 'admin';
  if (method === 'POST' && (url === '/runs' || /^\/runs\/:id\/(cancel|promote|discard|rollback)$/.test(url))) return 'run';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return 'admin';
  return 'read';
}

/** `admin` grants every scope; `read` and `run` are independent. */
export const grants = (scopes: readonly Scope[], needed: Scope) => scopes.includes(needed) || scopes.includes('admin');

/** Pages a browser opens (Bull Board, Swagger UI, the run dashboard): their 401 also offers Basic, so the browser asks for the key (as the password). */
export const isBrowserPage = (url: string) => url.startsWith('/admin/queues') || url.startsWith('/docs') || url.split('?')[0] === '/' || url.startsWith('/ui/');
