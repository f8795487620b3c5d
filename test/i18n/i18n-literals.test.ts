/**
 * No English a person reads is left in the code of the files below: every message, hint, notice,
 * help text and prompt comes from a catalogue (locales/<lang>/<area>.json) through t() or tn().
 *
 * The TypeScript of each file is parsed and every place text goes to a person is looked at (an
 * error or usage error, a notice, a write to stderr or stdout, a help description, an option's or
 * argument's description, a help text, a prompt, a table heading); a string or template literal
 * in it with English prose (two words or more) fails the test. A t()/tn() key is not prose; nor
 * are SQL, codes, regular expressions and file names, which are not passed to those places; nor
 * a command line to copy ("rapport imports remove 3 --yes", "--date-format excel").
 *
 * To scan another file, add its path to SCANNED.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

export const SCANNED = [
  'src/app/churn.ts',
  'src/app/complaints.ts',
  'src/app/rows.ts',
  'src/app/words.ts',
  'src/app/run.ts',
  'src/text/charts.ts',
  'src/cli/args.ts',
  'src/cli/cliText.ts',
  'src/cli/context.ts',
  'src/cli/io.ts',
  'src/cli/output.ts',
  'src/cli/pager.ts',
  'src/cli/printError.ts',
  'src/cli/program.ts',
  'src/cli/progress.ts',
  'src/cli/session.ts',
  'src/commands/churn.ts',
  'src/commands/churn/spec.ts',
  'src/commands/complaint.ts',
  'src/commands/complaint/spec.ts',
  'src/commands/config.ts',
  'src/commands/config/spec.ts',
  'src/commands/customer.ts',
  'src/commands/customer/spec.ts',
  'src/commands/customers.ts',
  'src/commands/customers/spec.ts',
  'src/commands/demo.ts',
  'src/commands/demo/spec.ts',
  'src/commands/export.ts',
  'src/commands/export/spec.ts',
  'src/commands/import.ts',
  'src/commands/import/spec.ts',
  'src/commands/imports.ts',
  'src/commands/imports/spec.ts',
  'src/commands/model.ts',
  'src/commands/model/spec.ts',
  'src/commands/rejects.ts',
  'src/commands/rejects/spec.ts',
  'src/commands/report.ts',
  'src/commands/report/spec.ts',
  'src/commands/segment.ts',
  'src/commands/segment/spec.ts',
  'src/commands/snapshots.ts',
  'src/commands/snapshots/spec.ts',
  'src/commands/status.ts',
  'src/commands/status/spec.ts',
  'src/cli/complaints/flow.ts',
  'src/cli/complaints/prompts.ts',
  'src/core/analysis.ts',
  'src/core/columns.ts',
  'src/core/complaints.ts',
  'src/core/csv.ts',
  'src/core/csvSafe.ts',
  'src/core/dates.ts',
  'src/core/hash.ts',
  'src/core/lifecycle.ts',
  'src/core/measures.ts',
  'src/core/model/backtest.ts',
  'src/core/model/bgnbd.ts',
  'src/core/model/churn.ts',
  'src/core/model/gammagamma.ts',
  'src/core/model/optimize.ts',
  'src/core/model/paretonbd.ts',
  'src/core/model/select.ts',
  'src/core/model/special.ts',
  'src/core/model/weekly.ts',
  'src/core/money.ts',
  'src/core/moneyOut.ts',
  'src/core/redact.ts',
  'src/core/rfm.ts',
  'src/core/row.ts',
  'src/core/scale.ts',
  'src/core/seenTable.ts',
  'src/core/settings.ts',
  'src/core/tiers.ts',
  'src/core/times.ts',
  'src/core/unicode.ts',
  'src/sys/errors.ts',
  'src/text/escape.ts',
  'src/import/parallel.ts',
  'src/import/produce.ts',
  'src/import/reading.ts',
  'src/import/reasons.ts',
  'src/import/run.ts',
  'src/import/sniff.ts',
  'src/import/source.ts',
  'src/import/validate.ts',
  'src/import/worker.ts',
  'src/text/linefit.ts',
  'src/main.ts',
  'src/cli/outfile.ts',
  'src/reports/alerts.ts',
  'src/reports/build.ts',
  'src/reports/check.ts',
  'src/reports/lang.ts',
  'src/reports/model.ts',
  'src/reports/render.ts',
  'src/sys/signals.ts',
  'src/store/complaintReplay.ts',
  'src/store/copyTables.ts',
  'src/store/exportColumns.ts',
  'src/store/importReading.ts',
  'src/store/importRules.ts',
  'src/store/sqlite/import.ts',
  'src/store/pg/connect.ts',
  'src/store/pg/import.ts',
  'src/store/pg/index.ts',
  'src/store/pg/migrations.ts',
  'src/store/pg/sql.ts',
  'src/store/pg/store.ts',
  'src/store/removalPlan.ts',
  'src/store/snapshotColumns.ts',
  'src/store/sqlite/complaints.ts',
  'src/store/sqlite/copy.ts',
  'src/store/sqlite/customers.ts',
  'src/store/sqlite/db.ts',
  'src/store/sqlite/dbfile.ts',
  'src/store/sqlite/exports.ts',
  'src/store/sqlite/faults.ts',
  'src/store/sqlite/fits.ts',
  'src/store/sqlite/measures.ts',
  'src/store/sqlite/migrations.ts',
  'src/store/sqlite/queries.ts',
  'src/store/sqlite/removeImport.ts',
  'src/store/sqlite/settings.ts',
  'src/store/sqlite/snapshots.ts',
  'src/store/sqlite/store.ts',
  'src/store/sqlite/watchlists.ts',
  'src/store/store.ts',
  'src/store/types.ts',
  'src/sys/tempfiles.ts',
];

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Constructors whose arguments a person reads: which arguments. */
const NEW_SINKS: Record<string, number[] | 'all'> = { RapportError: 'all', UsageError: 'all', Error: 'all', CommanderError: [2], Option: [1] };
/** Methods (and plain functions) whose arguments a person reads: which arguments. */
const CALL_SINKS: Record<string, number[] | 'all'> = {
  notice: [1],
  write: 'all', // on io.stderr / io.stdout (see isStreamWrite)
  description: [0],
  summary: [0],
  option: [1],
  requiredOption: [1],
  argument: [1],
  addHelpText: [1],
  showHelpAfterError: [0],
  helpOption: [1],
  helpCommand: [1],
  version: [2],
  confirm: [0],
  input: [0],
  select: [0],
  out: 'all',
  fail: 'all',
};
/** Arrays a person reads once they are joined and printed. */
const PUSH_SINKS = new Set(['notices', 'warnings', 'lines']);
/** Object properties a person reads. */
const PROPERTY_SINKS = new Set(['message', 'hint', 'header', 'describe']);

export interface Finding {
  file: string;
  /** Where the literal starts (a literal inside two sinks is one finding). */
  at: number;
  line: number;
  text: string;
}

/** English prose: two words in a row, once placeholders are gone, and not a command line to copy. */
export function isProse(text: string): boolean {
  const plain = text.replace(/\{\w+\}/g, ' ').trim();
  if (/^(rapport|--|-[a-zA-Z]\b|\$)/.test(plain)) return false;
  return /\b[A-Za-z][a-z]+[,;:]?\s+[A-Za-z][a-z]+\b/.test(plain);
}

/** The text of a literal: a template's fixed parts joined by a placeholder. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('{x}');
  return null;
}

function calleeName(expr: ts.Expression): string | null {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return null;
}

/** io.stderr.write(...), ctx.io.stdout.write(...): a stream a person reads. */
function isStreamWrite(expr: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(expr) && expr.name.text === 'write' && /\b(stderr|stdout)$/.test(expr.expression.getText());
}

/** The English prose literals inside an expression that reaches a person (t()'s keys excepted). */
function proseIn(node: ts.Node, file: ts.SourceFile, name: string, out: Finding[]): void {
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && (n.expression.text === 't' || n.expression.text === 'tn')) {
      // The key is not prose; the placeholders' values may be.
      n.arguments.slice(1).forEach(visit);
      return;
    }
    const text = literalText(n);
    if (text !== null && isProse(text) && !out.some((f) => f.at === n.getStart(file) && f.file === name)) {
      out.push({
        file: name,
        at: n.getStart(file),
        line: file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1,
        text: text.length > 70 ? text.slice(0, 70) + '…' : text,
      });
    }
    if (ts.isTemplateExpression(n)) n.templateSpans.forEach((s) => visit(s.expression));
    else ts.forEachChild(n, visit);
  };
  visit(node);
}

function picked<T>(args: readonly T[], which: number[] | 'all'): T[] {
  return which === 'all' ? [...args] : which.map((i) => args[i]).filter((a): a is T => a !== undefined);
}

/** Every English literal in `source` that reaches a person. */
export function findEnglish(name: string, source: string): Finding[] {
  const file = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && Object.hasOwn(NEW_SINKS, n.expression.text)) {
      for (const a of picked(n.arguments ?? [], NEW_SINKS[n.expression.text]!)) proseIn(a, file, name, found);
    } else if (ts.isCallExpression(n)) {
      const callee = calleeName(n.expression);
      if (callee === 'write' ? isStreamWrite(n.expression) : callee !== null && Object.hasOwn(CALL_SINKS, callee)) {
        for (const a of picked(n.arguments, CALL_SINKS[callee!]!)) proseIn(a, file, name, found);
      } else if (callee === 'push' && ts.isPropertyAccessExpression(n.expression) && PUSH_SINKS.has(calleeName(n.expression.expression) ?? '')) {
        for (const a of n.arguments) proseIn(a, file, name, found);
      }
    } else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && PROPERTY_SINKS.has(n.name.text)) {
      proseIn(n.initializer, file, name, found);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

describe('no English left outside the catalogue', () => {
  it('finds English prose where a person reads it, and nothing that is not for people', () => {
    const sample = [
      "throw new RapportError(`${file}: no such file`, 'check the path');",
      "throw new UsageError(t('import.noSuchFile', { file }), t('import.noSuchFileHint'));",
      'notice(io, `removed ${n} temporary files`);',
      "io.stderr.write(t('errors.line', { message: 'something went wrong' }) + '\\n');",
      "ctx.io.stdout.write(rows.join('\\n') + '\\n');",
      "db.prepare('SELECT count(*) FROM imports WHERE id = ?').get(id);",
      "program.command('status').description('what the database holds').option('--limit <n>', t('help.opt.limitRows'));",
      "throw new UsageError(t('import.remove.needsYes', { id }), `rapport imports remove ${id} --yes`);",
      "const check = full ? 'integrity_check' : 'quick_check'; notices.push(t('import.notice.x', undefined, 'en'));",
      'warnings.push(`the file does not end with a newline`);',
    ].join('\n');
    expect(findEnglish('sample.ts', sample).map((f) => `${f.line}: ${f.text}`)).toEqual([
      '1: {x}: no such file',
      '1: check the path',
      '3: removed {x} temporary files',
      '4: something went wrong',
      '7: what the database holds',
      '10: the file does not end with a newline',
    ]);
  });

  it.each(SCANNED)('%s', (name) => {
    const found = findEnglish(name, fs.readFileSync(path.join(ROOT, name), 'utf8'));
    expect(
      found.map((f) => `${f.file}:${f.line}: ${f.text}`),
      'English for people outside locales/: move it to a catalogue and call t()',
    ).toEqual([]);
  });
});
