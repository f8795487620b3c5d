import os from 'node:os';
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
    // The golden-output test (issue 28) takes minutes: npm run test:golden (vitest.golden.config.ts).
    exclude: ['test/browser/**', 'test/system/**', 'test/golden/**', '**/node_modules/**', ...(pg ? [] : ['test/pg/**'])],
    // A guard against a hang, not a speed check: on a busy machine (2 cores shared with others,
    // issue 21) a test that spawns the binary a dozen times took over 30 s and failed.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One test file per core. Vitest's default is one fewer than the cores, which on a 2-core
    // machine ran the files one at a time while most of them wait on a spawned binary
    // (issue 21: 3 min 17 s on a quiet 2-core machine; see the commit for the figures).
    maxWorkers: os.availableParallelism(),
  },
});
