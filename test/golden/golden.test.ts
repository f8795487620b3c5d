/**
 * Golden output (issue 28): rapport's output, byte for byte, on the demo shop and the two shared
 * histories, every command in CSV and JSON, the terminal form at 80 columns, the reports in
 * Markdown and HTML, in English and Chinese (cases.ts), compared with test/golden/out/.
 *
 *   npm run test:golden     compare (fails naming each case that differs, with its first lines)
 *   npm run golden:update   rewrite test/golden/out/ from the current build (an intended change)
 *
 * How it stays fast: each store is made once (imports, snapshots, the fit: the expensive part),
 * then the reading cases run in parallel, several Node processes each running many commands
 * in-process (driver.mjs).
 *
 * What is made fixed, and how: the clock is frozen at cases.NOW inside the driver (stamps,
 * "3 days ago", import seconds), TZ=UTC, the redaction secret is given. What is rewritten after
 * the run (NORMALISE below) is only where the test's own folders appear: the temporary folder
 * the stores are made in and the checkout's path.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGS, NOW, STORES, demoCases, helpCases, readCases, setupCases, type Case } from './cases.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const OUT = path.join(HERE, 'out');
const DRIVER = path.join(HERE, 'driver.mjs');
const UPDATE = process.env.GOLDEN_UPDATE === '1';
/** Outputs larger than this are kept as sha256, size and first lines (the budget is ~4 MB in all). */
const WHOLE_LIMIT = 16 * 1024;
const HEAD_LINES = 50;
/** Drivers per store for the reading cases. */
const CHUNKS = 2;

interface Result {
  id: string;
  /** milliseconds the case took (wall clock, in a busy driver) */
  ms: number;
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs cases in order in one driver process (driver.mjs), in `cwd`. */
async function runDriver(cwd: string, cases: Case[], tmp: string, tag: string): Promise<Result[]> {
  const job = path.join(tmp, `job-${tag}.json`);
  const out = path.join(tmp, `results-${tag}.json`);
  fs.writeFileSync(job, JSON.stringify({ cwd, now: NOW, env: { TZ: 'UTC' }, cases }));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TZ: 'UTC', HOME: process.env.HOME };
  const err: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [DRIVER, job, out], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`golden driver ${tag} exited ${code}: ${Buffer.concat(err).toString()}`);
  const raw = JSON.parse(fs.readFileSync(out, 'utf8')) as { id: string; ms: number; code: number; stdout: string; stderr: string }[];
  return raw.map((r) => ({ id: r.id, ms: r.ms, code: r.code, stdout: Buffer.from(r.stdout, 'base64'), stderr: Buffer.from(r.stderr, 'base64') }));
}

/**
 * The only rewriting of output (longest first): the temporary folder the stores live in, as
 * printed whole and as seen from the checkout (`rapport demo`'s "next: --db ..."), and the
 * checkout's own path. Nothing else is touched.
 */
function normaliser(tmp: string): (text: string) => string {
  const pairs: [string, string][] = [
    [tmp, '<tmp>'],
    [path.relative(REPO, tmp), '<tmp>'],
    [REPO, '<repo>'],
  ];
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((s, [from, to]) => s.split(from).join(to), text);
}

/** What a case leaves in out/: its stdout, and a `.stderr` file when it wrote there or failed. */
function files(r: Result, norm: (t: string) => string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  m.set(r.id, Buffer.from(norm(r.stdout.toString('utf8')), 'utf8'));
  if (r.stderr.length > 0 || r.code !== 0) m.set(`${r.id}.stderr`, Buffer.from(`exit ${r.code}\n${norm(r.stderr.toString('utf8'))}`, 'utf8'));
  return m;
}

/** The stored form: whole, or (large) sha256, size and the first lines. */
function stored(bytes: Buffer): Buffer {
  if (bytes.length <= WHOLE_LIMIT) return bytes;
  const head = bytes.toString('utf8').split('\n').slice(0, HEAD_LINES).join('\n');
  const hash = crypto.createHash('sha256').update(bytes).digest('hex');
  return Buffer.from(`golden: large output, kept as its hash\nsha256 ${hash}\nsize ${bytes.length}\nfirst ${HEAD_LINES} lines:\n${head}\n`, 'utf8');
}

/** The first differing lines of two texts, with their line numbers. */
function firstDifference(expected: string, actual: string, context = 3): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - context);
  const show = (lines: string[], sign: string): string =>
    lines
      .slice(from, i + context + 1)
      .map((l, k) => `${sign} ${String(from + k + 1).padStart(5)} | ${l}`)
      .join('\n');
  return `first difference at line ${i + 1}\n${show(a, '-')}\n${show(b, '+')}`;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

describe('golden output (issue 28): byte-identical on the demo shop and the shared histories', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-golden-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every case prints what test/golden/out/ holds', async () => {
    const started = Date.now();
    // 1. Each store made once, the stores side by side.
    for (const s of STORES) {
      fs.mkdirSync(path.join(tmp, s.name));
      for (const [from, to] of s.files) fs.copyFileSync(path.join(REPO, from), path.join(tmp, s.name, to));
    }
    const setups = await Promise.all(STORES.map((s) => runDriver(path.join(tmp, s.name), setupCases(s), tmp, `${s.name}-setup`)));
    // 2. The reading cases: each store's (both languages) dealt to CHUNKS drivers in turn, so the
    //    costly ones (fits, churn) spread out; plus one for help and the demo command.
    fs.mkdirSync(path.join(tmp, 'demo-runs'));
    const reads = await Promise.all([
      ...STORES.flatMap((s) => {
        const cases = LANGS.flatMap((lang) => readCases(s, lang));
        return Array.from({ length: CHUNKS }, (_, k) =>
          runDriver(
            path.join(tmp, s.name),
            cases.filter((_, i) => i % CHUNKS === k),
            tmp,
            `${s.name}-${k}`,
          ),
        );
      }),
      runDriver(
        REPO,
        LANGS.flatMap((lang) => [...helpCases(lang), ...demoCases(lang, path.join(tmp, 'demo-runs'))]),
        tmp,
        'help-demo',
      ),
    ]);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const slowest = [...setups, ...reads]
      .flat()
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((r) => `${r.id} ${(r.ms / 1000).toFixed(1)} s`);
    process.stderr.write(`golden: slowest cases: ${slowest.join(', ')}\n`);
    const norm = normaliser(tmp);
    const actual = new Map<string, Buffer>();
    const whole = new Map<string, Buffer>();
    for (const r of [...setups, ...reads].flat()) for (const [f, b] of files(r, norm)) whole.set(f, b);
    for (const [f, b] of whole) actual.set(f, stored(b));

    if (UPDATE) {
      fs.rmSync(OUT, { recursive: true, force: true });
      for (const [f, b] of actual) {
        fs.mkdirSync(path.dirname(path.join(OUT, f)), { recursive: true });
        fs.writeFileSync(path.join(OUT, f), b);
      }
      const bytes = [...actual.values()].reduce((n, b) => n + b.length, 0);
      process.stderr.write(`golden: wrote ${actual.size} files, ${bytes} bytes, to ${path.relative(REPO, OUT)} (${seconds} s)\n`);
      return;
    }

    const problems: string[] = [];
    const expectedFiles = new Set(listFiles(OUT));
    // The whole of each differing output is kept here (large ones are stored as a hash).
    const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-golden-actual-'));
    for (const [f, b] of actual) {
      const file = path.join(OUT, f);
      if (!expectedFiles.has(f)) {
        problems.push(`${f}: no golden output for this case`);
        continue;
      }
      const want = fs.readFileSync(file);
      if (want.equals(b)) continue;
      problems.push(`${f}: differs\n${firstDifference(want.toString('utf8'), b.toString('utf8'))}`);
      fs.mkdirSync(path.dirname(path.join(kept, f)), { recursive: true });
      fs.writeFileSync(path.join(kept, f), whole.get(f)!);
    }
    for (const f of expectedFiles) if (!actual.has(f)) problems.push(`${f}: in the golden output but no case made it now`);
    process.stderr.write(`golden: ${actual.size} files compared (${seconds} s)\n`);
    if (problems.length === 0) fs.rmSync(kept, { recursive: true, force: true });
    const shown = problems.slice(0, 12);
    const more = problems.length > shown.length ? `\n... and ${problems.length - shown.length} more` : '';
    expect(
      problems.length,
      `${problems.length} golden output file(s) differ:\n\n${shown.join('\n\n')}${more}\n\nthe whole outputs made now: ${kept}\nhint: if (and only if) the change is intended, run npm run golden:update and commit test/golden/out/`,
    ).toBe(0);
  });
});
