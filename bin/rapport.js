#!/usr/bin/env node
// A shim: the CLI lives in dist/ (built by `npm install` / `npm run build`).
import { main } from '../dist/main.js';

// A reader that stops early (`rapport rejects | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2), process);
