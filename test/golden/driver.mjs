// Runs a list of rapport commands in one Node process, in order, for the golden-output test
// (test/golden/golden.test.ts). Plain JavaScript on purpose: it loads the built CLI the way
// bin/rapport.js does (dist/main.js), so it survives any move of the sources, and Node runs it
// without a compiler.
//
//   node test/golden/driver.mjs JOB.json RESULTS.json
//
// JOB: { cwd, now, env, cases: [{ id, argv, env?, stdin? }] }. RESULTS: [{ id, ms, code, stdout, stderr }]
// with stdout and stderr in base64, byte for byte as written.
//
// The clock is frozen at JOB.now (new Date() and Date.now() only; a date given to the
// constructor is untouched): rapport stamps imports, snapshots, fits and complaints with "now",
// prints "3 days ago" beside times and measures import seconds, and it has no setting for the
// time, so this is what makes those outputs the same on every run without hiding them.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { setImmediate } from 'node:timers';
import { fileURLToPath } from 'node:url';

const [jobFile, resultFile] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(jobFile, 'utf8'));

const FIXED = Date.parse(job.now);
if (Number.isNaN(FIXED)) throw new Error(`driver: now is not a time: ${job.now}`);
const RealDate = Date;
class FrozenDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(FIXED);
    else super(...args);
  }
  static now() {
    return FIXED;
  }
}
globalThis.Date = FrozenDate;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { main } = await import(path.join(root, 'dist/main.js'));

class Sink extends Writable {
  constructor() {
    super();
    this.chunks = [];
    this.isTTY = false;
  }
  _write(chunk, encoding, done) {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    done();
  }
  bytes() {
    return Buffer.concat(this.chunks);
  }
}

process.chdir(job.cwd);
const results = [];
for (const c of job.cases) {
  const stdout = new Sink();
  const stderr = new Sink();
  const t0 = performance.now();
  const stdin = Object.assign(Readable.from(c.stdin === undefined ? [] : [Buffer.from(c.stdin)]), { isTTY: false });
  const code = await main(c.argv, { stdout, stderr, stdin, env: { ...job.env, ...(c.env ?? {}) }, cwd: () => job.cwd });
  await new Promise((r) => setImmediate(r));
  results.push({
    id: c.id,
    ms: Math.round(performance.now() - t0),
    code,
    stdout: stdout.bytes().toString('base64'),
    stderr: stderr.bytes().toString('base64'),
  });
}
fs.writeFileSync(resultFile, JSON.stringify(results));
