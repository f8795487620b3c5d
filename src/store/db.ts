/**
 * importStore.ts (which moves into sqlite/ once its parser work lands) still imports the SQLite
 * helpers from here; nothing else does.
 */
export { getMeta, setMeta, type DB } from './sqlite/db.js';
