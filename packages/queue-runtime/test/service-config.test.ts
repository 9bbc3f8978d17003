import { describe, expect, it } from 'vitest';
import { ApiConfig, ConfigError, parseServiceConfig, ScorerConfig } from '../src/index.ts';

describe('service config, parsed once at start-up', () => {
  it('reports every bad key in one message', () => {
    const env = { REDIS_URL: 'localhost:6379', GENIE_QUESTIONS_PER_MINUTE: 'five', WORKER_LOCK_DURATION_MS: '-1', LOG_LEVEL: 'loud' };
    let error: unknown;
    try {
      parseServiceConfig(ScorerConfig, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const key of Object.keys(env)) expect(message).toContain(`${key}:`);
    expect((error as ConfigError).issues).toHaveLength(4);
  });

  it('applies defaults, takes empty variables as unset and converts numbers', () => {
    const config = parseServiceConfig(ScorerConfig, { GENIE_MAX_IN_FLIGHT: '', GENIE_QUESTIONS_PER_MINUTE: '30', DATABRICKS_WAREHOUSE_PORT: '8443' });
    expect(config).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'ge', GENIE_MAX_IN_FLIGHT: 3, GENIE_QUESTIONS_PER_MINUTE: 30, DATABRICKS_WAREHOUSE_PORT: 8443 });
  });

  it('reads the optional benchmark warehouse token; unset (or empty) means the workspace credential', () => {
    expect(parseServiceConfig(ScorerConfig, { BENCHMARK_WAREHOUSE_TOKEN: 'dapi-ro' }).BENCHMARK_WAREHOUSE_TOKEN).toBe('dapi-ro');
    expect(parseServiceConfig(ScorerConfig, { BENCHMARK_WAREHOUSE_TOKEN: '' }).BENCHMARK_WAREHOUSE_TOKEN).toBeUndefined();
  });

  it('binds the API to loopback unless told otherwise', () => {
    expect(parseServiceConfig(ApiConfig, {}).HOST).toBe('127.0.0.1');
    expect(parseServiceConfig(ApiConfig, { HOST: '0.0.0.0', PORT: '0' })).toMatchObject({ HOST: '0.0.0.0', PORT: 0 });
  });
});
