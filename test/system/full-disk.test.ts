/**
 * A full disk, a real one: a 512 KiB tmpfs mounted for the test. Mounting needs root, so this runs
 * from npm run test:system (which .ci/run calls as root), not from npm test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectPlainError, fixture, run, tempDir, transactionCount } from '../helpers.js';

const SAMPLE = fixture('sample', 'transactions.csv');
let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

const plainError = expectPlainError;


describe('a full disk (512 KiB tmpfs)', () => {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-full-'));
  beforeAll(() => {
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`cannot mount a tmpfs (run the suite as root): ${m.stderr}`);
  });
  afterAll(() => {
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('an import that runs out of room says the disk is full and keeps what was stored; reads still work when not a byte is left', async () => {
    const db = path.join(mnt, 'shop.db');
    const first = t0('first.csv', fs.readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 300).join('\n') + '\n');
    expect((await run(['--db', db, 'import', 'transactions', first])).code).toBe(0);
    const stored = transactionCount(db);
    const big = await run(['--db', db, 'import', 'transactions', SAMPLE]);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/the disk holding .*shop\.db is full/);
    plainError(big.stderr);
    expect(transactionCount(db)).toBe(stored);

    // Not a byte left: a filler takes the rest.
    const fd = fs.openSync(path.join(mnt, 'filler'), 'w');
    try {
      const block = Buffer.alloc(4096);
      for (;;) fs.writeSync(fd, block);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const listing = fs.readdirSync(mnt);
    const status = await run(['--db', db, 'status', '--format', 'json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ transactions: stored });
    expect((await run(['--db', db, 'customers'])).code).toBe(0);
    const write = await run(['--db', db, 'segment']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/is full/);
    plainError(write.stderr);
    // An export to the full disk: a one-line error, and no partial file left in place or hidden.
    const out = await run(['--db', db, 'export', 'transactions', '--out', path.join(mnt, 'sales.csv')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^rapport: the disk is full/);
    expect(out.stderr).not.toMatch(/exported/);
    plainError(out.stderr);
    expect(fs.readdirSync(mnt)).toEqual(listing);
    fs.rmSync(path.join(mnt, 'filler'));
  });

  function t0(name: string, content: string): string {
    t = tempDir();
    return t.file(name, content);
  }
});

