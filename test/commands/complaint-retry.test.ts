/**
 * What the counter offers to save again after a failed write (complaint.ts saving): only a failure
 * that can pass. A retry once the disk has room or the server is back can succeed; a read-only
 * store, a damaged file, a constraint or a refusal fails the same way again, so it is said and the
 * command ends (it offered "Try to save it again?" on every RapportError).
 */
import { describe, expect, it } from 'vitest';
import { canPass } from '../../src/commands/complaint.js';
import { pgFault } from '../../src/store/pg/connect.js';
import { RapportError, UsageError } from '../../src/sys/errors.js';

const DB = '/nonexistent/shop.db';
const URL = 'postgres://clerk@db.example/shop';
const sqlite = (code: string): Error => Object.assign(new Error(`sqlite says ${code}`), { code });
const pg = (code: string): unknown => pgFault(Object.assign(new Error(`server says ${code}`), { code }), URL, {});

describe('a failed save at the counter: offered again or not', () => {
  it('offered: a full disk, the server gone, unreachable, out of memory or connections', () => {
    expect(canPass(sqlite('SQLITE_FULL'), DB)?.message).toMatch(/disk .* is full/);
    for (const code of ['57P01', 'CONNECTION_CLOSED', 'ECONNRESET', 'ECONNREFUSED', '53100', '53200', '53300']) {
      expect(canPass(pg(code), undefined), code).toBeInstanceOf(RapportError);
    }
  });

  it('not offered: a read-only store, a damaged file, a constraint, a missing customer, a refusal', () => {
    for (const code of ['SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CONSTRAINT_FOREIGNKEY', 'SQLITE_CANTOPEN'])
      expect(canPass(sqlite(code), DB), code).toBeNull();
    // The role may not write, the server is a read-only standby, the row breaks a constraint.
    for (const code of ['42501', '25006', '23505', '23503']) expect(canPass(pg(code) ?? new Error(code), undefined), code).toBeNull();
    expect(canPass(new RapportError('no customer "Y9"', 'hint'), DB)).toBeNull();
    expect(canPass(new UsageError('complaint #1 cannot go from closed to resolved'), DB)).toBeNull();
  });
});
