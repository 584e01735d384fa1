import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real registries and build real rootfs trees; two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
