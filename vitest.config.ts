import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-browser tests need chromium: npm run test:browser (vitest.browser.config.ts).
    // npm test passes on a machine without a browser (issue 15).
    exclude: ['test/browser/**', '**/node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
