import { effective, resolveSettings, SETTINGS, settingDef, SettingError } from '../core/settings.js';
import { uncovered, parseSegmentRules } from '../core/rfm.js';
import { moneyOf } from '../analysis/run.js';
import { openForRead, type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { notice } from '../io.js';
import { printRows, resolveFormat } from '../output.js';
import { removeSetting, storedSettings, storeSetting } from '../store/settings.js';

function known(key: string): NonNullable<ReturnType<typeof settingDef>> {
  const def = settingDef(key);
  if (!def) throw new UsageError(`no setting "${key}"`, `settings: ${SETTINGS.map((s) => s.key).join(', ')}`);
  return def;
}

export function runConfigList(ctx: Context): number {
  const db = openForRead(ctx);
  try {
    const stored = storedSettings(db);
    const e = effective(stored);
    const rows = SETTINGS.map((s) => ({ key: s.key, value: e[s.key], default: s.default, changed: s.key in stored, description: s.describe }));
    printRows(ctx.io, resolveFormat(ctx.format, ctx.io), [{ key: 'key' }, { key: 'value' }, { key: 'default' }, { key: 'changed' }, { key: 'description' }], rows);
    return 0;
  } finally {
    db.close();
  }
}

export function runConfigGet(key: string, ctx: Context): number {
  known(key);
  const db = openForRead(ctx);
  try {
    const value = effective(storedSettings(db))[key]!;
    if (resolveFormat(ctx.format, ctx.io) === 'json') ctx.io.stdout.write(JSON.stringify({ key, value }) + '\n');
    else ctx.io.stdout.write(value + '\n');
    return 0;
  } finally {
    db.close();
  }
}

/**
 * Stores a value after checking it alone and with every other setting, so a cron run never
 * meets settings that cannot work together.
 */
export function runConfigSet(key: string, value: string, ctx: Context): number {
  const def = known(key);
  let normal: string;
  try {
    normal = def.check(value);
  } catch (e) {
    throw new UsageError(`${key} ${(e as Error).message}, not "${value}"`, `default: ${def.default === '' ? '(empty)' : def.default}; see rapport config list`);
  }
  const db = openForRead(ctx); // only imports create a database: a mistyped --db is an error
  try {
    const stored = { ...storedSettings(db), [key]: normal };
    try {
      resolveSettings(stored, moneyOf(db).exponent);
    } catch (e) {
      if (e instanceof SettingError) throw new UsageError(`${key} = ${normal} does not fit: ${e.key} ${e.message}`, 'change the other setting first, or set both');
      throw e;
    }
    storeSetting(db, key, normal);
    if (key === 'rfm.segments') {
      const holes = uncovered(parseSegmentRules(normal));
      if (holes.length > 0) notice(ctx.io, `note: ${holes.length} of the 125 (r, f, m) score combinations match no rule; those customers are named "Other" (first: r${holes[0]![0]} f${holes[0]![1]} m${holes[0]![2]})`);
    }
    notice(ctx.io, `${key} = ${normal}`);
    return 0;
  } finally {
    db.close();
  }
}

export function runConfigUnset(key: string, ctx: Context): number {
  const def = known(key);
  const db = openForRead(ctx); // only imports create a database: a mistyped --db is an error
  try {
    const stored = { ...storedSettings(db) };
    delete stored[key];
    try {
      resolveSettings(stored, moneyOf(db).exponent);
    } catch (e) {
      if (e instanceof SettingError) throw new UsageError(`going back to the default ${key} = ${def.default} does not fit: ${e.key} ${e.message}`, 'change the other setting first');
      throw e;
    }
    const removed = removeSetting(db, key);
    notice(ctx.io, removed ? `${key} back to its default: ${def.default === '' ? '(empty)' : def.default}` : `${key} was already the default`);
    return 0;
  } finally {
    db.close();
  }
}
