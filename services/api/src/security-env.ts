import type { SecurityOptions } from './security.plugin.ts';

/**
 * GENIE_ENHANCER_BOOTSTRAP_KEY: one admin key accepted without Redis (`pnpm stack`, tests, first boot);
 * API_AUTH=disabled: no authentication, for local development only; API_RATE_LIMIT_PER_MINUTE: per key.
 */
export function securityFromEnv(env: NodeJS.ProcessEnv): SecurityOptions {
  const perMinute = Number(env.API_RATE_LIMIT_PER_MINUTE);
  return {
    ...(env.API_AUTH === 'disabled' ? { auth: 'disabled' as const } : {}),
    ...(env.GENIE_ENHANCER_BOOTSTRAP_KEY ? { bootstrapKeys: [{ key: env.GENIE_ENHANCER_BOOTSTRAP_KEY, scopes: ['admin' as const] }] } : {}),
    ...(Number.isInteger(perMinute) && perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: '1 minute' } } : {}),
  };
}
