// Test runner settings: unit and simulation tests run in parallel; integration and e2e suites
// start real processes and ports, so each file runs in its own fork.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
