import { defineConfig } from 'vitest/config';

/**
 * npm run test:system: tests that need more than Node and a compiler. test/browser/ opens pages
 * in headless chromium; test/system/ mounts a tmpfs to fill a disk (root) and answers the complaint
 * prompts in tmux at 80 and 120 columns. They fail, never skip,
 * when what they need is missing; .ci/run installs it and runs them.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts', 'test/system/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // one chromium at a time: the machine is shared
    fileParallelism: false,
  },
});
