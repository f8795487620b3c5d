/**
 * The one printer (src/cli/printer.ts): the medium a run prints in, the document shapes a report
 * uses (Markdown when piped, HTML when asked), shapes made only for the medium printed, and the
 * row stream export writes in CSV or JSON.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.js';
import { forPeople, mediumOf, show, showStream, type RowStream } from '../../src/cli/printer.js';

function fakeIo(tty: boolean): { io: IO; text: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const io: IO = {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    stdoutIsTTY: tty,
    width: null,
    progress: false,
    color: false,
    canPrompt: false,
    quiet: true,
    env: {},
    cwd: '/',
  };
  return { io, text: () => text };
}

async function* batches(rows: unknown[][], size: number): AsyncIterable<unknown[][]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const stream =
  (rows: unknown[][], extra: Partial<RowStream> = {}): (() => Promise<RowStream>) =>
  async () => ({ keys: ['id', 'phone'], batches: batches(rows, 2), ...extra });

describe('the medium', () => {
  it('is a table on a terminal, CSV for data and Markdown for a document when piped, else what --format asks', () => {
    expect(mediumOf({ io: fakeIo(true).io })).toBe('table');
    expect(mediumOf({ io: fakeIo(false).io })).toBe('csv');
    expect(mediumOf({ io: fakeIo(false).io }, 'document')).toBe('md');
    expect(mediumOf({ io: fakeIo(true).io, format: 'html' }, 'document')).toBe('html');
    expect(() => mediumOf({ io: fakeIo(true).io, format: 'md' })).toThrow(/md/);
    expect(forPeople({ io: fakeIo(false).io }, 'document')).toBe(true);
    expect(forPeople({ io: fakeIo(false).io, format: 'json' }, 'document')).toBe(false);
    expect(forPeople({ io: fakeIo(false).io })).toBe(false);
  });
});

describe('documents', () => {
  it('writes the Markdown or HTML document as it is, and makes only the shape printed', () => {
    let made = 0;
    const shown = {
      md: () => ({ document: '# Title\n' }),
      html: () => ({ document: '<h1>Title</h1>\n' }),
      csv: () => {
        made++;
        throw new Error('no such table');
      },
      json: { value: { title: 'Title' } },
    };
    const piped = fakeIo(false);
    show(piped, shown, 'document');
    expect(piped.text()).toBe('# Title\n');
    const html = fakeIo(false);
    show({ io: html.io, format: 'html' }, shown, 'document');
    expect(html.text()).toBe('<h1>Title</h1>\n');
    const json = fakeIo(false);
    show({ io: json.io, format: 'json' }, shown, 'document');
    expect(json.text()).toBe('{\n  "title": "Title"\n}\n');
    expect(made).toBe(0);
    expect(() => show({ io: fakeIo(false).io, format: 'csv' }, shown, 'document')).toThrow('no such table');
    expect(made).toBe(1);
  });

  it('prints nothing in a medium the command gives nothing for', () => {
    const out = fakeIo(true);
    show(out, { json: { value: [1] } });
    expect(out.text()).toBe('');
  });
});

describe('row streams', () => {
  const rows = [
    ['C1', '+44 7700 118158'],
    ['C2', null],
    ['C3', '=1+1'],
  ];

  it('writes CSV by default: a header, every row across batches, formula text guarded, and counts the rows', async () => {
    const out = fakeIo(true);
    const n = await showStream({ io: out.io }, { csv: stream(rows), json: stream([]) });
    expect(n).toBe(3);
    expect(out.text()).toBe("id,phone\nC1,'+44 7700 118158\nC2,\nC3,'=1+1\n");
  });

  it('lets the command write a CSV cell its own way, and starts with a byte order mark when asked', async () => {
    const out = fakeIo(false);
    await showStream(
      { io: out.io, format: 'csv' },
      { csv: stream(rows.slice(0, 1), { bom: true, csvCell: (key, v) => (key === 'phone' ? `="${String(v)}"` : String(v)) }), json: stream([]) },
    );
    expect(out.text()).toBe('\ufeffid,phone\nC1,"=""+44 7700 118158"""\n');
  });

  it('writes one JSON array, an object a line, nulls for missing values, and [] for no rows', async () => {
    const out = fakeIo(false);
    const n = await showStream({ io: out.io, format: 'json' }, { csv: () => Promise.reject(new Error('not CSV')), json: stream([rows[0]!, ['C2']]) });
    expect(n).toBe(2);
    expect(JSON.parse(out.text())).toEqual([
      { id: 'C1', phone: '+44 7700 118158' },
      { id: 'C2', phone: null },
    ]);
    expect(out.text()).toBe('[\n  {"id":"C1","phone":"+44 7700 118158"},\n  {"id":"C2","phone":null}\n]\n');
    const empty = fakeIo(false);
    expect(await showStream({ io: empty.io, format: 'json' }, { csv: stream([]), json: stream([]) })).toBe(0);
    expect(empty.text()).toBe('[]\n');
  });
});
