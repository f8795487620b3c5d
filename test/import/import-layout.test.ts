/**
 * The import's code stays readable (issue 28): no function in src/import runs past 80 lines, and
 * its modules import one another without a cycle (sniff.ts once imported run.ts for a type).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const DIR = path.resolve(import.meta.dirname, '../../src/import');
const MAX_LINES = 80;

function sources(): { name: string; file: ts.SourceFile }[] {
  return fs
    .readdirSync(DIR)
    .filter((n) => n.endsWith('.ts'))
    .map((name) => ({ name, file: ts.createSourceFile(name, fs.readFileSync(path.join(DIR, name), 'utf8'), ts.ScriptTarget.Latest, true) }));
}

/** Every function, method and arrow function of a file with its length in lines. */
function functionLengths(file: ts.SourceFile): { where: string; lines: number }[] {
  const out: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ where: `${file.fileName}:${first + 1}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The src/import modules a file imports (types too: a type-only cycle still ties the two files together). */
function localImports(file: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('./')) out.push(spec.slice(2).replace(/\.js$/, '.ts'));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

describe('src/import', () => {
  it(`has no function over ${MAX_LINES} lines`, () => {
    const long = sources()
      .flatMap((s) => functionLengths(s.file))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no import cycle between its modules', () => {
    const graph = new Map(sources().map((s) => [s.name, localImports(s.file)]));
    const cycles: string[] = [];
    const walk = (name: string, trail: string[]): void => {
      if (trail.includes(name)) {
        cycles.push([...trail.slice(trail.indexOf(name)), name].join(' -> '));
        return;
      }
      for (const next of graph.get(name) ?? []) walk(next, [...trail, name]);
    };
    for (const name of graph.keys()) walk(name, []);
    expect(cycles).toEqual([]);
  });
});
