import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeyStore, Scope } from './api-keys.ts';
import { grants, isBrowserPage, requiredScope } from './route-scopes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
}

export interface AuthOptions {
  store: ApiKeyStore;
  /** keys given at start-up, checked before Redis */
  bootstrap: (key: string) => ApiKeyRecord | undefined;
}

/** The key of `Authorization: Bearer <key>`, or of Basic with the key as the password (browsers, Bull Board). */
export function presentedKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, challenge: string, message: string) {
  const challenges = [`Bearer realm="genie-enhancer"${challenge}`];
  if (status === 401 && isBrowserPage(request.url)) challenges.push('Basic realm="genie-enhancer", charset="UTF-8"');
  return reply.code(status).header('www-authenticate', challenges).send({ error: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message });
}

/** onRequest: every route but /healthz and /readyz needs a live key with the route's scope (401 without, 403 short of scope). */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    const needed: Scope | undefined = requiredScope(request.method, request.routeOptions.url, request.url);
    if (!needed) return;
    const key = presentedKey(request.headers.authorization);
    if (!key) return refuse(request, reply, 401, '', 'an API key is required: Authorization: Bearer <key>');
    const record = options.bootstrap(key) ?? (await options.store.verify(key));
    if (!record) return refuse(request, reply, 401, ', error="invalid_token"', 'the API key is unknown or revoked');
    if (!grants(record.scopes, needed)) {
      return refuse(request, reply, 403, `, error="insufficient_scope", scope="${needed}"`, `this API key lacks the "${needed}" scope`);
    }
    request.apiKey = record;
    request.log = request.log.child({ key_id: record.id });
  });
}
