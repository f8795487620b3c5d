/**
 * The SQLite file's ordered, named schema migrations. Each runs in one transaction together with
 * its record in schema_migrations; never edit one that has shipped, add the next.
 */
import type { Migration } from '../types.js';

/** The complaints table as of migration 6, under a given name: the category CHECK allows `categories`. */
function complaintsTable(name: string, categories: string): string {
  return `
CREATE TABLE ${name} (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id       TEXT NOT NULL REFERENCES customers (id),
  created_at        TEXT NOT NULL,      -- ISO timestamp, UTC
  category          TEXT NOT NULL CHECK (category IN (${categories})),
  priority          TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  product           TEXT,
  summary           TEXT NOT NULL,      -- what happened
  how               TEXT,               -- how it happened
  why               TEXT,               -- why they are dissatisfied
  staff             TEXT,               -- the member of staff involved
  other_issues      TEXT,               -- anything else they are unhappy about
  reasonable        INTEGER,            -- 1/0: is the demand reasonable; NULL not judged
  wanted            TEXT,               -- the resolution they want
  status            TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  assignee          TEXT,
  due_at            TEXT NOT NULL,      -- created_at + the priority's response time
  resolved_at       TEXT,
  resolution        TEXT,
  compensation      INTEGER,            -- minor units
  satisfied         INTEGER,            -- 1/0 after resolution
  closed_at         TEXT
);`;
}

const COMPLAINT_COLUMNS =
  'id, customer_id, created_at, category, priority, product, summary, how, why, staff, other_issues, reasonable, wanted, status, assignee, due_at, resolved_at, resolution, compensation, satisfied, closed_at';

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE imports (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('transactions', 'customers')),
  file_name         TEXT NOT NULL,
  file_size         INTEGER NOT NULL,
  content_hash      TEXT NOT NULL,
  mapping           TEXT NOT NULL,      -- JSON: field -> column header
  options           TEXT NOT NULL,      -- JSON: the options the import ran with
  status            TEXT NOT NULL CHECK (status IN ('complete', 'refused')),
  rows_read         INTEGER NOT NULL DEFAULT 0,
  rows_imported     INTEGER NOT NULL DEFAULT 0,
  rows_updated      INTEGER NOT NULL DEFAULT 0,
  rows_duplicate    INTEGER NOT NULL DEFAULT 0,
  rows_rejected     INTEGER NOT NULL DEFAULT 0,
  blank_lines       INTEGER NOT NULL DEFAULT 0,
  customers_created INTEGER NOT NULL DEFAULT 0,
  started_at        TEXT NOT NULL,
  finished_at       TEXT
);
CREATE INDEX imports_hash ON imports (content_hash, kind);

CREATE TABLE customers (
  id              TEXT PRIMARY KEY,     -- as the business knows it
  name            TEXT,
  email           TEXT,
  phone           TEXT,
  type            TEXT CHECK (type IN ('consumer', 'business', 'channel', 'internal')),
  account_manager TEXT,
  created_date    TEXT,                 -- ISO date
  attributes      TEXT,                 -- JSON object of the file's other columns
  import_id       INTEGER REFERENCES imports (id)  -- the import that created or last changed the record
);

CREATE TABLE transactions (
  id             INTEGER PRIMARY KEY,
  customer_id    TEXT NOT NULL,
  date           TEXT NOT NULL,         -- ISO date
  time           TEXT,                  -- HH:MM:SS when the file gives one
  amount         INTEGER NOT NULL,      -- minor units; refunds and cancellations negative
  quantity       REAL,
  unit_price     INTEGER,               -- minor units, rounded half away from zero
  product        TEXT,
  channel        TEXT,
  staff          TEXT,
  payment_method TEXT,
  external_id    TEXT,                  -- invoice / order number; repeats across an order's lines
  extra          TEXT,                  -- JSON object of the file's other columns
  import_id      INTEGER NOT NULL,      -- imports.id (not declared a foreign key: checking it per row cost 20% of import time)
  line           INTEGER NOT NULL,      -- line in the source file
  dedupe_key     INTEGER NOT NULL       -- see README "Duplicates"
);
CREATE UNIQUE INDEX transactions_dedupe ON transactions (dedupe_key);

CREATE TABLE rejects (
  id        INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports (id),
  line      INTEGER NOT NULL,
  field     TEXT,
  reason    TEXT NOT NULL,
  raw       TEXT NOT NULL
);
CREATE INDEX rejects_import ON rejects (import_id, line);
`,
  },
  {
    id: 2,
    name: 'settings and snapshots',
    sql: `
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,      -- see src/core/settings.ts and rapport config list
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE snapshots (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a replaced snapshot gets a new id
  as_of        TEXT NOT NULL UNIQUE,  -- ISO date; segmenting the same date again replaces the snapshot
  created_at   TEXT NOT NULL,
  settings     TEXT NOT NULL,         -- JSON: every setting's effective value
  data_version INTEGER NOT NULL,      -- the newest transactions import it saw (stale when a later one exists)
  customers    INTEGER NOT NULL,
  population_gap_days REAL,
  value_basis  TEXT NOT NULL,         -- what the tiers ranked: net_revenue, or clv from a fitted model
  cuts         TEXT NOT NULL          -- JSON: the RFM cuts (score ranges per dimension)
);

CREATE TABLE snapshot_customers (
  snapshot_id      INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  customer_id      TEXT NOT NULL,
  first_purchase   TEXT,
  last_purchase    TEXT,
  last_activity    TEXT NOT NULL,
  recency_days     INTEGER NOT NULL,
  frequency        INTEGER NOT NULL,  -- purchase days
  orders           INTEGER NOT NULL,
  monetary         INTEGER NOT NULL,  -- net revenue, minor units
  gross_revenue    INTEGER NOT NULL,
  refunds          INTEGER NOT NULL,
  refund_share     REAL NOT NULL,
  avg_order_value  REAL,
  own_gap_days     REAL,
  typical_gap_days REAL,
  recent_revenue   INTEGER NOT NULL,
  previous_revenue INTEGER NOT NULL,
  value            INTEGER NOT NULL,  -- what the tiers ranked: value_revenue, or lifetime value with a fitted model
  value_revenue    INTEGER NOT NULL,  -- net revenue over tier.window_days
  tenure_days      INTEGER,
  kth_purchase     TEXT,
  spend_days       INTEGER NOT NULL,  -- purchase days with positive net spend
  spend_total      INTEGER NOT NULL,  -- their net spend, minor units
  r_score          INTEGER NOT NULL,
  f_score          INTEGER NOT NULL,
  m_score          INTEGER NOT NULL,
  rfm_segment      TEXT NOT NULL,
  segment_rule     INTEGER NOT NULL,
  tier             TEXT NOT NULL,
  stage            TEXT NOT NULL,
  exit_pattern     TEXT,
  stage_reason     TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, customer_id)
) WITHOUT ROWID;
`,
  },
  {
    id: 3,
    name: 'model fits',
    sql: `
CREATE TABLE model_fits (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  as_of        TEXT NOT NULL UNIQUE,  -- one fit per as-of date; fitting the same date again replaces it
  created_at   TEXT NOT NULL,
  settings     TEXT NOT NULL,         -- JSON: every setting's effective value
  data_version INTEGER NOT NULL,      -- as for snapshots: stale once a later import stored rows
  fit          TEXT NOT NULL          -- JSON: the fitted models, sufficiency, fallback
);
`,
  },
  {
    id: 4,
    name: 'complaints',
    // The table as it was made then; migration 6 widened the category CHECK (the SQL is the same bytes as before complaintsTable() held it).
    sql: `${complaintsTable('complaints', "'price', 'product', 'service', 'technology', 'promotion', 'demand', 'management', 'other'")}
CREATE INDEX complaints_customer ON complaints (customer_id);
CREATE INDEX complaints_status ON complaints (status, due_at);

CREATE TABLE complaint_events (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
  at            TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('logged', 'status', 'reopened', 'note', 'update', 'resolved')),
  from_status   TEXT,
  to_status     TEXT,
  text          TEXT,
  satisfied     INTEGER             -- on a resolution: 1/0, kept here so a reopen does not rewrite the past
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE complaint_due (                -- each due time a complaint had, from when
  complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
  at            TEXT NOT NULL,
  due_at        TEXT NOT NULL
);
CREATE INDEX complaint_due_complaint ON complaint_due (complaint_id, at);
`,
  },
  {
    id: 5,
    name: 'removed imports and product names',
    sql: `
-- rapport imports remove: the import's rows are gone, its record stays with this line saying so
ALTER TABLE imports ADD COLUMN removed TEXT;

-- Product names from a file's description column, by product code (the latest file's name wins)
CREATE TABLE products (
  code      TEXT PRIMARY KEY,     -- transactions.product
  name      TEXT NOT NULL,
  import_id INTEGER NOT NULL      -- the import that gave the name as it stands
) WITHOUT ROWID;
`,
  },
  {
    id: 6,
    name: 'political complaint category',
    rebuilds: true,
    // The ninth churn cause (shared/domain.md section 6): a new complaints table with the wider
    // CHECK, every row copied with its id, the old one dropped, the new one renamed into its
    // place (complaint_events and complaint_due refer to it by name), its indexes made again and
    // its AUTOINCREMENT counter kept, so a deleted last id is never handed out again.
    sql: `${complaintsTable('complaints_new', "'price', 'product', 'service', 'technology', 'promotion', 'demand', 'management', 'political', 'other'")}
INSERT INTO complaints_new (${COMPLAINT_COLUMNS}) SELECT ${COMPLAINT_COLUMNS} FROM complaints;
DELETE FROM sqlite_sequence WHERE name = 'complaints_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'complaints_new', seq FROM sqlite_sequence WHERE name = 'complaints';
DROP TABLE complaints;
ALTER TABLE complaints_new RENAME TO complaints;
CREATE INDEX complaints_customer ON complaints (customer_id);
CREATE INDEX complaints_status ON complaints (status, due_at);
`,
  },
  {
    id: 7,
    name: 'watchlists',
    sql: `
-- The churn list a person was given (rapport churn, report churn, report summary), one per as-of
-- date, kept so that later reports can score it against what happened (the scorecard): only
-- what the score needs.
CREATE TABLE watchlists (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
  as_of        TEXT NOT NULL UNIQUE,   -- ISO date; a later list for the same date replaces it
  created_at   TEXT NOT NULL,
  horizon_days INTEGER NOT NULL,       -- the risk is of no purchase in the next horizon_days
  method       TEXT NOT NULL,          -- what ranked the list (the churn column's method)
  customers    INTEGER NOT NULL
);

CREATE TABLE watchlist_customers (
  watchlist_id       INTEGER NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
  customer_id        TEXT NOT NULL,
  risk               REAL NOT NULL,    -- churn risk as printed
  level              TEXT NOT NULL,    -- low, medium, high
  expected_purchases REAL,             -- purchase days expected in the horizon; NULL without a model
  PRIMARY KEY (watchlist_id, customer_id)
) WITHOUT ROWID;
`,
  },
  {
    id: 8,
    name: 'rows other imports also held',
    sql: `
-- A row an import counted as a duplicate: the stored row it matched. Removing the import that
-- stored the row hands it to the earliest remaining import that also held it, instead of losing it.
CREATE TABLE transaction_duplicates (
  transaction_id INTEGER NOT NULL,  -- transactions.id, the stored row
  import_id      INTEGER NOT NULL,  -- the import that held it too
  line           INTEGER NOT NULL   -- its line in that import's file
);
CREATE INDEX transaction_duplicates_row ON transaction_duplicates (transaction_id);
CREATE INDEX transaction_duplicates_import ON transaction_duplicates (import_id);
`,
  },
];
