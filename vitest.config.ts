import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside each package, and integration tests that start the simulator, Redis-backed
// workers and service processes (`.ci/run` runs the integration project a second time to catch leaks between runs).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/browser/**', 'tests/slow/**', 'tests/faults/**'] } },
      // the run dashboard in Debian's chromium through playwright-core, against the services and the simulator
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'] } },
      // run once by `pnpm test`, not again by the second integration pass of .ci/run (several service stacks each)
      { extends: true, test: { name: 'slow', include: ['tests/slow/**/*.test.ts'] } },
      // real processes killed and restarted, Redis restarted: slow, so in its own project (`pnpm test` runs it)
      { extends: true, test: { name: 'faults', include: ['tests/faults/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 240_000 } },
    ],
  },
});
