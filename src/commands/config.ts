import { describeSetting, effective, resolveSettings, SETTINGS, settingDef, SettingError } from '../core/settings.js';
import { errorText, wordPhrase } from '../i18n/phrase.js';
import { currentLang, t, type Lang } from '../i18n/index.js';
import { coverage } from '../core/rfm.js';
import { moneyOf } from '../app/run.js';
import { openForChange, openForRead, type Context } from '../cli/context.js';
import { UsageError } from '../sys/errors.js';
import { notice } from '../cli/io.js';
import { clip, displayWidth, type Column } from '../cli/output.js';
import { show, type Pen } from '../cli/printer.js';
import { wrapText } from '../text/linefit.js';

function known(key: string): NonNullable<ReturnType<typeof settingDef>> {
  const def = settingDef(key);
  if (!def) throw new UsageError(t('config.noSetting', { key }), t('config.settingsHint', { keys: SETTINGS.map((s) => s.key).join(', ') }));
  return def;
}

/** The narrowest terminal `config list` draws as a table: key, value and description side by side, each readable. */
const LIST_WIDTH = 120;

/** `config list` on a narrow terminal: "key: value (changed)", and the description wrapped under it, indented. */
function drawSettings(pen: Pen, rows: Record<string, unknown>[], width: number): void {
  for (const r of rows) {
    const key = String(r.key);
    const mark = r.changed === true ? t('config.changedMark') : '';
    const room = Math.max(12, width - displayWidth(key) - 2 - displayWidth(mark));
    pen.line(`${pen.chalk.bold(key)}: ${clip(r.value, room)}${mark}`);
    for (const line of wrapText(String(r.description), width - 4).split('\n')) pen.line(`    ${line}`);
  }
}

export async function runConfigList(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const stored = await db.storedSettings();
    const e = effective(stored);
    // What each setting does: in the reader's language on a terminal, the stable English in CSV and JSON.
    const rows = (lang: Lang): Record<string, unknown>[] =>
      SETTINGS.map((s) => ({
        key: s.key,
        value: e[s.key],
        default: s.default,
        changed: s.key in stored,
        description: wordPhrase(describeSetting(s.key), lang),
      }));
    // On a terminal the long values (the segment table) are cut; config get KEY prints one whole.
    // The key stays whole: it is what config set and config get are given.
    const tableColumns: Column[] = [
      { key: 'key', header: t('config.header.key'), neverCut: true },
      { key: 'value', header: t('config.header.value'), clip: 40 },
      { key: 'changed', header: t('config.header.changed'), show: (v) => (v ? t('config.changedYes') : '') },
      { key: 'description', header: t('config.header.description'), clip: 70 },
    ];
    const width = ctx.io.width ?? null;
    show(ctx, {
      // Below LIST_WIDTH columns the three columns leave the description a dozen characters, cut
      // ("RFM scores run 1.…"): each setting is then a line of its own with its value, and what it
      // does wrapped under it, whole.
      table:
        width !== null && width < LIST_WIDTH
          ? { draw: (pen) => drawSettings(pen, rows(currentLang()), width) }
          : { columns: tableColumns, rows: rows(currentLang()) },
      data: { columns: [{ key: 'key' }, { key: 'value' }, { key: 'default' }, { key: 'changed' }, { key: 'description' }], rows: rows('en') },
    });
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
    // The bare value on a terminal and piped, for the shell (x=$(rapport config get tier.cuts));
    // asked for CSV or JSON, the shape of config list's: a key,value header row, an object.
    show(ctx, {
      json: { value: { key, value }, oneLine: true },
      csv: ctx.format === 'csv' ? { record: { key, value } } : undefined,
      data: { draw: (pen) => pen.line(value) },
    });
    return 0;
  } finally {
    await db.close();
  }
}

/** A default as a hint: long ones (the segment table) are pointed at, not printed. */
function defaultHint(key: string, text: string): string {
  if (text === '') return t('config.defaultEmptyHint');
  return text.length > 60 ? t('config.defaultLongHint', { key }) : t('config.defaultHint', { value: text });
}

/**
 * Stores one or more KEY VALUE pairs after checking each alone and all of them with every other
 * setting, in one transaction, so a cron run never meets settings that cannot work together
 * (and settings that only fit together, like tier.method and tier.cuts, can change at once).
 */
export async function runConfigSet(pairs: string[], ctx: Context): Promise<number> {
  if (pairs.length % 2 !== 0) throw new UsageError(t('config.pairs', { last: pairs[pairs.length - 1]! }), t('config.pairsHint'));
  const changes: [string, string][] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const [key, value] = [pairs[i]!, pairs[i + 1]!];
    const def = known(key);
    try {
      changes.push([key, def.check(value)]);
    } catch (e) {
      const shown = value.length > 40 ? value.slice(0, 40) + '…' : value;
      throw new UsageError(t('config.badValue', { key, message: errorText(e), value: shown }), defaultHint(key, def.default));
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
        throw new UsageError(
          t('config.doesNotFit', { what, key: e.key, message: errorText(e) }),
          pair ? t('config.changeBothHint', { first: pair[0]!, second: pair[1]! }) : t('config.seeListHint'),
        );
      }
      throw e;
    }
    await db.transaction(async () => {
      for (const [key, value] of changes) await db.storeSetting(key, value);
    });
    if (changes.some(([k]) => k === 'rfm.segments' || k === 'rfm.bins')) {
      const { uncovered, unreachable } = coverage(settings.segments, settings.rfm.bins);
      if (uncovered.length > 0)
        notice(ctx.io, t('config.uncovered', { n: uncovered.length, first: `r${uncovered[0]![0]} f${uncovered[0]![1]} m${uncovered[0]![2]}` }));
      if (unreachable.length > 0) notice(ctx.io, t('config.unreachable', { bins: settings.rfm.bins, segments: unreachable.join(', ') }));
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
      if (e instanceof SettingError)
        throw new UsageError(
          t('config.unsetDoesNotFit', { key, value: def.default, other: e.key, message: errorText(e) }),
          t('config.unsetHint', { key: e.other ?? e.key }),
        );
      throw e;
    }
    const removed = await db.removeSetting(key);
    notice(
      ctx.io,
      removed ? t('config.backToDefault', { key, value: def.default === '' ? t('config.empty') : def.default }) : t('config.alreadyDefault', { key }),
    );
    return 0;
  } finally {
    await db.close();
  }
}
