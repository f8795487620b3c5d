import { defineConfig } from 'vitest/config';

// The golden-output test (issue 28, test/golden/): npm run test:golden compares, npm run
// golden:update rewrites test/golden/out/. It runs its own processes in parallel (one test).
export default defineConfig({
  test: {
    include: ['test/golden/**/*.test.ts'],
    testTimeout: 1_800_000,
  },
});
