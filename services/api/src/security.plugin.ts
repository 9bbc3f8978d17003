import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '@genie-enhancer/queue-runtime';
import { ApiKeyStore, bootstrapKeyVerifier, type Scope } from './auth/api-keys.ts';
import { installAuth } from './auth/auth.plugin.ts';

export interface SecurityOptions {
  /** 'disabled' only for explicit local development: every route is then open */
  auth?: 'required' | 'disabled';
  /** keys accepted besides those in Redis (tests, `pnpm stack`); held in memory as hashes */
  bootstrapKeys?: { key: string; scopes: Scope[] }[];
  /** requests per key (or per IP without a key) per window, counted in Redis across API instances */
  rateLimit?: { max: number; timeWindow: string | number };
  /** bytes */
  bodyLimit?: number;
}

const PROBES = new Set(['/healthz', '/readyz']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Helmet headers, API-key auth, JSON-only mutations, per-key rate limit, body limit. Call before any route. */
export async function installSecurity(app: FastifyInstance, options: SecurityOptions & { redis: RedisClient; redisPrefix: string }): Promise<void> {
  const bodyLimit = options.bodyLimit ?? 2 * 1024 * 1024;
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimit;
  });
  // Bull Board and Swagger UI load only their own scripts; helmet's default CSP fits them, but the API is plain HTTP
  await app.register(helmet, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  if (options.auth !== 'disabled') {
    installAuth(app, { store: new ApiKeyStore(options.redis, options.redisPrefix), bootstrap: bootstrapKeyVerifier(options.bootstrapKeys ?? []) });
  }
  // a cross-site form or no-cors fetch cannot send application/json without a CORS preflight, which this API never grants
  app.addHook('onRequest', async (request, reply) => {
    if (!MUTATING.has(request.method)) return;
    const hasBody = request.method === 'POST' || Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (hasBody && type !== 'application/json') {
      return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', message: `${request.method} needs content-type: application/json (send {} when there is nothing to say)` });
    }
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler', // after authentication, so the bucket is the key's and a stranger cannot drain it
    max: options.rateLimit?.max ?? 600,
    timeWindow: options.rateLimit?.timeWindow ?? '1 minute',
    redis: options.redis,
    nameSpace: `${options.redisPrefix}:ratelimit:`,
    skipOnError: true,
    allowList: (request) => PROBES.has(request.routeOptions.url ?? ''),
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, error: 'RATE_LIMITED', message: `at most ${context.max} requests per ${context.after}; retry later` }),
  });
}
