/** Saved model fits: what `rapport model` fitted as of a date, for churn and the value pyramid. */
import type { Fitted } from '../../core/model/churn.js';
import type { SavedFit } from '../types.js';
import type { DB } from './db.js';
import { dataVersion } from './snapshots.js';

export function saveFit(db: DB, fit: Fitted, settings: Record<string, string>): number {
  return db
    .transaction(() => {
      db.prepare('DELETE FROM model_fits WHERE as_of = ?').run(fit.asOf);
      return Number(
        db
          .prepare('INSERT INTO model_fits (as_of, created_at, settings, data_version, fit) VALUES (?, ?, ?, ?, ?)')
          .run(fit.asOf, new Date().toISOString(), JSON.stringify(settings), dataVersion(db), JSON.stringify(fit)).lastInsertRowid,
      );
    })
    .immediate();
}

export function findFit(db: DB, asOf: string): SavedFit | null {
  const row = db.prepare('SELECT id, as_of, created_at, settings, data_version, fit FROM model_fits WHERE as_of = ?').get(asOf) as
    { id: number; as_of: string; created_at: string; settings: string; data_version: number; fit: string } | undefined;
  if (!row) return null;
  return { ...row, settings: JSON.parse(row.settings) as Record<string, string>, fit: JSON.parse(row.fit) as Fitted };
}
