import { defineConfig } from 'vitest/config';

/** npm run test:browser: the tests that open pages in headless chromium. They fail without it. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // one chromium at a time: the machine is shared
    fileParallelism: false,
  },
});
