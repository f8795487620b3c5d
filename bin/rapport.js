#!/usr/bin/env node
// A shim: the CLI lives in dist/ (built by `npm install` / `npm run build`).
let main;
try {
  ({ main } = await import('../dist/main.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write(`rapport: not installed completely (${e.message.split('\n')[0]})\nhint: run npm install in the rapport checkout, then try again\n`);
  process.exit(1);
}

// A reader that stops early (`rapport rejects | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2), process);
