import { effective, resolveSettings, SETTINGS, settingDef, SettingError } from '../core/settings.js';
import { coverage } from '../core/rfm.js';
import { moneyOf } from '../analysis/run.js';
import { openForChange, openForRead, type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { notice } from '../io.js';
import { printRows, resolveFormat, type Column } from '../output.js';

function known(key: string): NonNullable<ReturnType<typeof settingDef>> {
  const def = settingDef(key);
  if (!def) throw new UsageError(`no setting "${key}"`, `settings: ${SETTINGS.map((s) => s.key).join(', ')}`);
  return def;
}

export async function runConfigList(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const stored = await db.storedSettings();
    const e = effective(stored);
    const rows = SETTINGS.map((s) => ({ key: s.key, value: e[s.key], default: s.default, changed: s.key in stored, description: s.describe }));
    const format = resolveFormat(ctx.format, ctx.io);
    // On a terminal the long values (the segment table) are cut; config get KEY prints one whole.
    const columns: Column[] =
      format === 'table'
        ? [{ key: 'key' }, { key: 'value', clip: 40 }, { key: 'changed', show: (v) => (v ? 'yes' : '') }, { key: 'description', clip: 70 }]
        : [{ key: 'key' }, { key: 'value' }, { key: 'default' }, { key: 'changed' }, { key: 'description' }];
    printRows(ctx.io, format, columns, rows);
    return 0;
  } finally {
    await db.close();
  }
}

export async function runConfigGet(key: string, ctx: Context): Promise<number> {
  known(key);
  const db = await openForRead(ctx);
  try {
    const value = effective(await db.storedSettings())[key]!;
    if (resolveFormat(ctx.format, ctx.io) === 'json') ctx.io.stdout.write(JSON.stringify({ key, value }) + '\n');
    else ctx.io.stdout.write(value + '\n');
    return 0;
  } finally {
    await db.close();
  }
}

/** A default as a hint: long ones (the segment table) are pointed at, not printed. */
function defaultHint(key: string, text: string): string {
  if (text === '') return 'default: (empty); see rapport config list';
  return text.length > 60 ? `see the default with rapport config get ${key} on a fresh database, or the README` : `default: ${text}; see rapport config list`;
}

/**
 * Stores one or more KEY VALUE pairs after checking each alone and all of them with every other
 * setting, in one transaction, so a cron run never meets settings that cannot work together
 * (and settings that only fit together, like tier.method and tier.cuts, can change at once).
 */
export async function runConfigSet(pairs: string[], ctx: Context): Promise<number> {
  if (pairs.length % 2 !== 0) throw new UsageError(`config set takes KEY VALUE pairs; "${pairs[pairs.length - 1]}" has no value`, 'for example: rapport config set tier.method share tier.cuts 50,80,95');
  const changes: [string, string][] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const [key, value] = [pairs[i]!, pairs[i + 1]!];
    const def = known(key);
    try {
      changes.push([key, def.check(value)]);
    } catch (e) {
      const shown = value.length > 40 ? value.slice(0, 40) + '…' : value;
      throw new UsageError(`${key}: ${(e as Error).message} (got "${shown}")`, defaultHint(key, def.default));
    }
  }
  const db = await openForChange(ctx); // only imports create a database: a mistyped --db is an error
  try {
    const stored = { ...(await db.storedSettings()), ...Object.fromEntries(changes) };
    let settings;
    try {
      settings = resolveSettings(stored, (await moneyOf(db)).exponent);
    } catch (e) {
      if (e instanceof SettingError) {
        const what = changes.map(([k, v]) => `${k} = ${v.length > 40 ? v.slice(0, 40) + '…' : v}`).join(', ');
        const pair = e.other === null ? null : [e.key, e.other];
        throw new UsageError(`${what} does not fit: ${e.key} ${e.message}`, pair ? `change both in one command: rapport config set ${pair[0]} VALUE ${pair[1]} VALUE` : 'see rapport config list');
      }
      throw e;
    }
    await db.transaction(async () => {
      for (const [key, value] of changes) await db.storeSetting(key, value);
    });
    if (changes.some(([k]) => k === 'rfm.segments' || k === 'rfm.bins')) {
      const { uncovered, unreachable } = coverage(settings.segments, settings.rfm.bins);
      if (uncovered.length > 0) notice(ctx.io, `note: ${uncovered.length} (r, f, m) score combinations match no rule; those customers are named "Other" (first: r${uncovered[0]![0]} f${uncovered[0]![1]} m${uncovered[0]![2]})`);
      if (unreachable.length > 0) notice(ctx.io, `note: with ${settings.rfm.bins} bins these segments can never match: ${unreachable.join(', ')} (earlier rules take their scores, or the scores do not occur)`);
    }
    for (const [key, value] of changes) notice(ctx.io, `${key} = ${value}`);
    return 0;
  } finally {
    await db.close();
  }
}

export async function runConfigUnset(key: string, ctx: Context): Promise<number> {
  const def = known(key);
  const db = await openForChange(ctx); // only imports create a database: a mistyped --db is an error
  try {
    const stored = { ...(await db.storedSettings()) };
    delete stored[key];
    try {
      resolveSettings(stored, (await moneyOf(db)).exponent);
    } catch (e) {
      if (e instanceof SettingError) throw new UsageError(`going back to the default ${key} = ${def.default} does not fit: ${e.key} ${e.message}`, `change ${e.other ?? e.key} first, or set both in one command with rapport config set`);
      throw e;
    }
    const removed = await db.removeSetting(key);
    notice(ctx.io, removed ? `${key} back to its default: ${def.default === '' ? '(empty)' : def.default}` : `${key} was already the default`);
    return 0;
  } finally {
    await db.close();
  }
}
