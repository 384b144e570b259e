import { defineConfig } from 'vitest/config';

// Two cores on the reference machine: keep the pool small so heavy tests do not starve each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A stray `.only` would silently shrink the suite: it fails the run, in CI and locally alike.
    allowOnly: false,
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Shaped-pulse line lists are stored on disk by default (io/line-store.ts); tests that want the store set it.
    env: { LIVERMRS_CACHE: 'off' },
  },
});
