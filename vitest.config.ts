// Test runner settings: unit, simulation and integration files run in parallel, each in its own fork;
// end-to-end files run one at a time, because their clusters' agents all offer the same host ports.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'parallel', include: ['test/{unit,sim,integration}/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
