import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside each package, and integration tests that start the simulator, Redis-backed
// workers and service processes (`.ci/run` runs the integration project a second time to catch leaks between runs).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: ['tests/faults/**'] } },
      // real processes killed and restarted, Redis restarted: slow, so in its own project (`pnpm test` runs it)
      { extends: true, test: { name: 'faults', include: ['tests/faults/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 240_000 } },
    ],
  },
});
