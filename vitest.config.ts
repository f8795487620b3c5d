import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that need chromium or root: npm run test:system (vitest.system.config.ts).
    // npm test passes on a machine without a browser (issue 15).
    exclude: ['test/browser/**', 'test/system/**', '**/node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
