/**
 * Reading an input file as text, chunk by chunk, synchronously: bytes -> decoded text.
 * Handles BOMs (UTF-8, UTF-16), --encoding via iconv-lite, binary detection, and names the line
 * of a decoding error. Synchronous on purpose: the import is one CPU-bound loop, and a kill at
 * any point leaves the database untouched because the file's transaction never commits.
 */
import { isAscii } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import { RapportError, UsageError } from '../sys/errors.js';
import { t } from '../i18n/index.js';
import { catchingSignals, onInterrupt } from '../sys/signals.js';
import { released, tempPath } from '../sys/tempfiles.js';
import { writeAll } from '../sys/fullwrite.js';

/**
 * Bytes read (and decoded) at a time. Kept well under V8's largest ordinary heap object (128 KiB):
 * a chunk's text, and the parser's carry joined to it, then stay in the young generation; 256 KiB
 * texts went to the large-object space, and decoding the bench's 79 MB took 0.4-0.9 s instead of
 * 0.03 s (parsing alone 4.07 -> 3.14 s CPU, peak RSS 175 -> 142 MB). 262,144 stays a chunk boundary.
 */
const CHUNK = 64 * 1024;

export interface SourceFile {
  /** What the user named ("-" for stdin). */
  name: string;
  /** A path we can read (stdin is spooled to a private temp file). */
  path: string;
  size: number;
  /**
   * SHA-256 of the content when already known (stdin is hashed while it is spooled). Files are
   * hashed while they are imported, or up front only when an earlier import had the same size.
   */
  sha256: string | null;
  /** Removes the temp file of a spooled stdin. */
  cleanup(): void;
}

/** Opens a named file, or spools stdin to a temp file so it can be read twice (sniff, then import). */
export async function openSource(name: string, stdin: Readable, cwd: string): Promise<SourceFile> {
  if (name === '-') return spoolStdin(stdin);
  const file = path.resolve(cwd, name);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new RapportError(t('import.noSuchFile', { file: name }), t('import.noSuchFileHint'));
  }
  if (st.isDirectory()) throw new RapportError(t('import.isFolder', { file: name }), t('import.isFolderHint'));
  return { name, path: file, size: st.size, sha256: null, cleanup: () => {} };
}

export function hashFile(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

async function spoolStdin(stdin: Readable): Promise<SourceFile> {
  // In the system's temporary folder, named so that a later run can sweep it if this one is
  // killed (src/tempfiles.ts); created owner-only and exclusively ('wx' never follows a link).
  const file = tempPath(os.tmpdir(), 'stdin.csv');
  const cleanup = (): void => {
    fs.rmSync(file, { force: true });
    released(file);
    forget();
  };
  const forget = onInterrupt(cleanup);
  const h = crypto.createHash('sha256');
  let size = 0;
  let fd: number | null = null;
  try {
    // Signals are caught before the file exists: a Ctrl-C the moment it appears (a busy machine
    // can pause the process right after it is made) still removes it before ending the run.
    // Reading a pipe yields to the event loop: Ctrl-C there is handled the same way.
    await catchingSignals(async () => {
      fd = fs.openSync(file, 'wx', 0o600);
      for await (const chunk of stdin) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        writeAll(fd, b);
        h.update(b);
        size += b.length;
      }
    });
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    cleanup();
    throw e;
  }
  fs.closeSync(fd!);
  return { name: '(stdin)', path: file, size, sha256: h.digest('hex'), cleanup };
}

export function checkEncoding(encoding: string): void {
  if (!iconv.encodingExists(encoding)) {
    throw new UsageError(t('import.unknownEncoding', { encoding }), t('import.unknownEncodingHint'));
  }
}

/** Sequential decoded text of a file. */
export class TextReader {
  bytesRead = 0;
  /** The encoding in use ("utf-8", "utf-16le" from a BOM, or the one asked for). */
  encoding: string;
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private decodeUtf8: TextDecoder | null = null;
  private decodeOther: { write(b: Buffer): string; end(): string | undefined } | null = null;
  private first = true;
  private crOnly = false;
  private done = false;
  private readonly hash: crypto.Hash | null;

  constructor(
    private readonly source: Pick<SourceFile, 'name' | 'path'>,
    encoding: string | undefined,
    options: { hash?: boolean } = {},
  ) {
    this.hash = options.hash ? crypto.createHash('sha256') : null;
    this.encoding = (encoding ?? 'utf-8').toLowerCase();
    if (this.encoding === 'utf8') this.encoding = 'utf-8';
    this.fd = fs.openSync(source.path, 'r');
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** SHA-256 of the bytes read (when constructed with hash: true), once the end was reached. */
  digest(): string | null {
    return this.hash && this.done ? this.hash.digest('hex') : null;
  }

  /** The next piece of text, or null at the end. */
  next(): string | null {
    if (this.done) return null;
    const n = fs.readSync(this.fd, this.buf, 0, CHUNK, null);
    if (n === 0) {
      this.done = true;
      const tail = this.decodeOther ? (this.decodeOther.end() ?? '') : this.decodeUtf8 ? this.utf8(Buffer.alloc(0), false) : '';
      return tail.length > 0 ? tail : null;
    }
    let bytes: Buffer = this.buf.subarray(0, n);
    this.hash?.update(bytes);
    this.bytesRead += n;
    if (this.first) {
      this.first = false;
      bytes = this.start(bytes);
    }
    let text = this.decodeOther ? this.decodeOther.write(bytes) : this.utf8(bytes, true);
    if (this.crOnly) text = text.replace(/\r\n?/g, '\n');
    return text;
  }

  private start(bytes: Buffer): Buffer {
    const asked = this.encoding;
    if (bytes[0] === 0xff && bytes[1] === 0xfe) this.encoding = 'utf-16le';
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) this.encoding = 'utf-16be';
    else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      if (asked !== 'utf-8') this.encoding = 'utf-8';
    }
    const utf16 = this.encoding.startsWith('utf-16') || this.encoding.startsWith('utf16') || this.encoding === 'ucs2';
    if (!utf16 && looksBinary(bytes)) {
      throw new RapportError(t('import.binary', { file: this.source.name }), t('import.binaryHint'));
    }
    if (this.encoding === 'utf-8') this.decodeUtf8 = new TextDecoder('utf-8', { fatal: true });
    else {
      checkEncoding(this.encoding);
      this.decodeOther = iconv.getDecoder(this.encoding) as unknown as { write(b: Buffer): string; end(): string | undefined };
    }
    // Old Mac line ends (CR alone): a CR and no LF in the first chunk.
    const cr = bytes.indexOf(13);
    this.crOnly = cr >= 0 && bytes.indexOf(10) < 0 && !utf16;
    return bytes;
  }

  private utf8(bytes: Buffer, stream: boolean): string {
    try {
      return this.utf8Surrogates(bytes, stream);
    } catch {
      throw this.decodingError();
    }
  }

  /** Bytes held back from the last chunk: the start of what may be an encoded surrogate. */
  private surrogateTail: Buffer | null = null;

  /**
   * A surrogate encoded in UTF-8 (ED A0-BF 80-BF: "WTF-8", what a UTF-16 lone surrogate becomes
   * when a program converts it carelessly) is not valid UTF-8, and the strict decoder would refuse
   * the whole file. It is decoded here to the lone surrogate it stands for, so it reaches the row
   * checks exactly as a lone surrogate in a UTF-16 file does, and the row is rejected naming its
   * line and field. Any other invalid byte still refuses the file (a wrong encoding).
   */
  private utf8Surrogates(chunk: Buffer, stream: boolean): string {
    // A chunk of ASCII alone, with no character begun in the last one, is its own text: read as
    // Latin-1 (a copy) it skips the validating decoder (0.36 s against 0.41-0.56 s per 79 MB).
    if (stream && this.surrogateTail === null && !this.utf8Open && isAscii(chunk)) return chunk.toString('latin1');
    const bytes = this.surrogateTail === null ? chunk : Buffer.concat([this.surrogateTail, chunk]);
    this.surrogateTail = null;
    const decode = (b: Buffer, more: boolean): string => this.decodeUtf8!.decode(b, { stream: more });
    let end = bytes.length;
    if (stream) {
      // ED, or ED A0-BF, at the very end: wait for the rest before deciding.
      const last = bytes.length - 1;
      if (bytes[last] === 0xed) end = last;
      else if (last >= 1 && bytes[last - 1] === 0xed && bytes[last]! >= 0xa0 && bytes[last]! <= 0xbf) end = last - 1;
      if (end < bytes.length) this.surrogateTail = Buffer.from(bytes.subarray(end));
    }
    let out = '';
    let from = 0;
    for (let i = bytes.indexOf(0xed); i >= 0 && i < end; i = bytes.indexOf(0xed, i + 1)) {
      const b1 = bytes[i + 1]!;
      const b2 = bytes[i + 2]!;
      if (i + 2 >= end || b1 < 0xa0 || b1 > 0xbf || b2 < 0x80 || b2 > 0xbf) continue;
      out += decode(bytes.subarray(from, i), true) + String.fromCharCode(0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f));
      from = i + 3;
      i += 2;
    }
    // The decoder may hold a character begun at the end unless the last byte it was given is ASCII.
    if (end > 0) this.utf8Open = bytes[end - 1]! >= 0x80;
    return out + decode(bytes.subarray(from, end), stream);
  }

  /** The decoder may be holding the first bytes of a character (see utf8Surrogates). */
  private utf8Open = false;

  /**
   * Names the line of the first bad UTF-8 sequence. Reads the file again in chunks (bounded
   * memory): counting newlines, and validating each chunk from its first whole character.
   */
  private decodingError(): RapportError {
    const fd = fs.openSync(this.source.path, 'r');
    const buf = Buffer.allocUnsafe(CHUNK + 4);
    let line = 1;
    let offset = 0;
    let carry = 0; // bytes of an unfinished character carried to the next chunk
    let at = -1;
    let bad = '';
    try {
      for (;;) {
        const n = fs.readSync(fd, buf, carry, CHUNK, null);
        const len = carry + n;
        if (len === 0) break;
        const data = buf.subarray(0, len);
        const firstBad = firstInvalidUtf8(data);
        // A sequence cut by the chunk end is only bad if the file ends there.
        const cut = firstBad < len && n > 0 && len - firstBad < 4 && completesLater(data, firstBad);
        if (firstBad < len && !cut) {
          at = offset + firstBad;
          for (let i = 0; i < firstBad; i++) if (data[i] === 10) line++;
          bad = Array.from(data.subarray(firstBad, firstBad + 2), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
          break;
        }
        const keep = cut ? len - firstBad : 0;
        for (let i = 0; i < len - keep; i++) if (data[i] === 10) line++;
        offset += len - keep;
        data.copy(buf, 0, len - keep, len);
        carry = keep;
        if (n === 0) break;
      }
    } finally {
      fs.closeSync(fd);
    }
    const sample = Buffer.alloc(4096);
    const sfd = fs.openSync(this.source.path, 'r');
    const got = fs.readSync(sfd, sample, 0, sample.length, Math.max(0, at));
    fs.closeSync(sfd);
    const guess = looksLikeGbk(sample.subarray(0, got), 0) ? 'gb18030' : 'windows-1252';
    const other = guess === 'gb18030' ? 'windows-1252' : 'gb18030';
    return new RapportError(t('import.notUtf8', { file: this.source.name, line, bytes: bad, at }), t('import.notUtf8Hint', { guess, other }));
  }
}

/** A lead byte at `i` whose sequence runs past the end of `data` (so it may complete in the next chunk). */
function completesLater(data: Uint8Array, i: number): boolean {
  const b = data[i]!;
  const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
  if (need === 0 || i + need < data.length) return false;
  for (let k = i + 1; k < data.length; k++) if ((data[k]! & 0xc0) !== 0x80) return false;
  return true;
}

/**
 * Binary, not text: control bytes (other than tab, newline, carriage return, form feed) make up
 * more than 1% of the start of the file, or there are NULs in its first bytes (file magic).
 * A stray NUL or two in a text export is left to the row checks, which reject just those rows.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) {
      if (b === 0 && i < 16) return true;
      control++;
    }
  }
  return control > bytes.length / 100;
}

/** Byte offset of the first invalid UTF-8 sequence (data.length if none). */
export function firstInvalidUtf8(data: Uint8Array): number {
  let i = 0;
  const n = data.length;
  while (i < n) {
    const b = data[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = data[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

/**
 * Chinese text in GBK is mostly pairs of high bytes (GB2312 hanzi: lead 0xB0-0xF7, trail
 * 0xA1-0xFE); Western text in Windows-1252 is single high bytes between ASCII letters.
 */
function looksLikeGbk(data: Uint8Array, at: number): boolean {
  let pairs = 0;
  let singles = 0;
  const end = Math.min(data.length, at + 4096);
  for (let i = at; i < end; i++) {
    const b = data[i]!;
    if (b < 0x80) continue;
    const c = data[i + 1];
    if (b >= 0x81 && b <= 0xfe && c !== undefined && c >= 0xa1 && c <= 0xfe) {
      pairs++;
      i++;
    } else singles++;
  }
  return pairs > singles;
}
