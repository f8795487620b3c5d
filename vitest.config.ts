import { defineConfig } from 'vitest/config';

// The PostgreSQL suite (test/pg/) needs a server: it runs when RAPPORT_TEST_PG names one and is
// left out, saying so, otherwise, so npm test still passes on a machine with only Node (issue 16).
const pg = (process.env.RAPPORT_TEST_PG ?? '') !== '';
if (!pg) process.stderr.write('PostgreSQL tests: not run (no RAPPORT_TEST_PG; .ci/pg-start starts a throwaway server)\n');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that need chromium or root: npm run test:system (vitest.system.config.ts).
    // npm test passes on a machine without a browser (issue 15).
    exclude: ['test/browser/**', 'test/system/**', '**/node_modules/**', ...(pg ? [] : ['test/pg/**'])],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
