// Tests beside the code (src/**/*.test.ts) and multi-server tests in test/. PostgreSQL starts once per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Caps, not assertions about speed: a hung test fails instead of blocking CI.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
