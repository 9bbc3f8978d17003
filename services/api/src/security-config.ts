import type { ApiConfig } from '@genie-enhancer/queue-runtime';
import type { SecurityOptions } from './security.plugin.ts';

/** The API's security settings from its parsed config (docs/security.md). */
export function securityFromConfig(config: ApiConfig): SecurityOptions {
  return {
    ...(config.API_AUTH === 'disabled' ? { auth: 'disabled' as const } : {}),
    ...(config.GENIE_ENHANCER_BOOTSTRAP_KEY ? { bootstrapKeys: [{ key: config.GENIE_ENHANCER_BOOTSTRAP_KEY, scopes: ['admin' as const] }] } : {}),
    ...(config.API_RATE_LIMIT_PER_MINUTE ? { rateLimit: { max: config.API_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } } : {}),
  };
}
