/**
 * The golden-output cases (issue 28): every command that prints data, on three stores, in both
 * languages, in CSV and JSON, in the terminal form at 80 columns where there is one, and the
 * reports in Markdown and HTML too. golden.test.ts runs them and compares with test/golden/out/;
 * `npm run golden:update` rewrites that folder (only when a change of output is intended).
 *
 * A case's id is its file under out/: `<store>/<lang>/<name>.<ext>` (ext: txt for the terminal
 * form, else the format). Setup cases (`<store>/setup/...`) build the store in order, in English,
 * and are outputs too; every other case only reads (`--no-save` where a command would keep
 * something), so they run in parallel.
 */

export type Lang = 'en' | 'zh-CN';
export const LANGS: Lang[] = ['en', 'zh-CN'];

export type Format = 'table' | 'csv' | 'json' | 'md' | 'html';
const TERMINAL: Format[] = ['table', 'csv', 'json'];
const REPORT: Format[] = ['table', 'md', 'html', 'csv', 'json'];

/** The frozen "now" (driver.mjs): after every date in the stores, so "overdue" and "ago" hold still. */
export const NOW = '2026-12-01T12:00:00.000Z';

export interface Case {
  id: string;
  argv: string[];
  env?: Record<string, string>;
}

export interface Store {
  name: string;
  /** files copied into the store's folder: [path in the repository, name there] */
  files: [string, string][];
  /** the import commands (after `--db store.db --format json`) */
  imports: string[][];
  /** the day the analyses run as of (the history's last day) */
  asOf: string;
  /** an earlier segment snapshot, for movement and the snapshots list */
  since: string;
  /** churn backtest's cutoff and horizon; a churn list is kept as of the cutoff for the scorecard */
  cutoff: string;
  horizon: string;
  /** a customer for `customer ID`, and three for the complaints */
  customer: string;
  complainants: [string, string, string];
  /** when the complaints were made (UTC day), in the history's time */
  complaintDay: string;
  /** `import --dry-run` of the store's own file (argv after `import transactions`) */
  dryRun: string[];
}

export const STORES: Store[] = [
  {
    // The demo shop: what `rapport demo` imports (fixtures/sample, GBP), built step by step here.
    name: 'demo',
    files: [
      ['fixtures/sample/customers.csv', 'customers.csv'],
      ['fixtures/sample/transactions.csv', 'transactions.csv'],
      ['fixtures/import/bad-rows.csv', 'bad-rows.csv'],
    ],
    imports: [
      ['import', 'customers', 'customers.csv'],
      ['import', 'transactions', 'transactions.csv', '--currency', 'GBP'],
    ],
    asOf: '2026-10-31',
    since: '2026-07-31',
    cutoff: '2026-04-30',
    horizon: '90d',
    customer: 'C0042',
    complainants: ['C0021', 'C0053', 'C0100'],
    complaintDay: '2026-10-20',
    dryRun: ['bad-rows.csv', '--dry-run'],
  },
  {
    // fixtures/shared: cut from /work/shared/data by fixtures/shared/cut.mjs (whole customers).
    name: 'purchases',
    files: [['fixtures/shared/purchases-2005-2015.tsv', 'purchases.tsv']],
    imports: [['import', 'transactions', 'purchases.tsv', '--no-header', '--map', 'customer_id=1', '--map', 'amount=2', '--map', 'date=3']],
    asOf: '2015-12-31',
    since: '2015-09-30',
    cutoff: '2014-12-31',
    horizon: '365d',
    customer: '81640',
    complainants: ['81640', '53070', '150330'],
    complaintDay: '2015-12-01',
    dryRun: ['purchases.tsv', '--no-header', '--map', 'customer_id=1', '--map', 'amount=2', '--map', 'date=3', '--dry-run'],
  },
  {
    name: 'retail',
    files: [['fixtures/shared/retail-2011-2015.csv', 'retail.csv']],
    imports: [['import', 'transactions', 'retail.csv', '--date-format', 'DD-MMM-YY']],
    asOf: '2015-03-16',
    since: '2014-12-16',
    cutoff: '2014-09-16',
    horizon: '180d',
    customer: 'CS4424',
    complainants: ['CS4424', 'CS1580', 'CS5990'],
    complaintDay: '2015-03-01',
    dryRun: ['retail.csv', '--date-format', 'DD-MMM-YY', '--dry-run'],
  },
];

const EXT: Record<Format, string> = { table: 'txt', csv: 'csv', json: 'json', md: 'md', html: 'html' };

/** The global flags of one run: the store, the language, the format (80 columns for the terminal form). */
function globals(lang: Lang, format: Format): string[] {
  return ['--db', 'store.db', '--lang', lang, '--format', format, ...(format === 'table' ? ['--width', '80'] : [])];
}

function each(store: string, lang: Lang, name: string, formats: Format[], args: string[], env?: Record<string, string>): Case[] {
  return formats.map((f) => ({ id: `${store}/${lang}/${name}.${EXT[f]}`, argv: [...globals(lang, f), ...args], ...(env ? { env } : {}) }));
}

/** The store's making, in order: imports, two snapshots, the saved fit, two kept churn lists, complaints. */
export function setupCases(s: Store): Case[] {
  const at = (hour: string): string => `${s.complaintDay}T${hour}:00:00Z`;
  const steps: [string, string[]][] = [
    ...s.imports.map((argv, i): [string, string[]] => [`import-${i + 1}`, argv]),
    ['segment-since', ['segment', '--as-of', s.since]],
    ['segment', ['segment', '--as-of', s.asOf]],
    ['model', ['model', '--as-of', s.asOf]],
    ['churn-cutoff', ['churn', '--as-of', s.cutoff]],
    ['churn', ['churn', '--as-of', s.asOf]],
    [
      'complaint-add-1',
      [
        'complaint',
        'add',
        '--customer',
        s.complainants[0],
        '--category',
        'product',
        '--priority',
        'high',
        '--product',
        'Teapot',
        '--summary',
        'cracked teapot',
        '--wanted',
        'replacement',
        '--staff',
        'Dana',
        '--at',
        at('09'),
      ],
    ],
    [
      'complaint-add-2',
      [
        'complaint',
        'add',
        '--customer',
        s.complainants[1],
        '--category',
        'service',
        '--summary',
        'waited 40 minutes',
        '--staff',
        'Lee',
        '--reasonable',
        'yes',
        '--at',
        at('10'),
      ],
    ],
    [
      'complaint-add-3',
      [
        'complaint',
        'add',
        '--customer',
        s.complainants[2],
        '--category',
        'price',
        '--priority',
        'low',
        '--summary',
        'charged twice',
        '--assignee',
        'Dana',
        '--at',
        at('11'),
      ],
    ],
    ['complaint-update-1', ['complaint', 'update', '1', '--status', 'in_progress', '--assignee', 'Dana', '--note', 'called back', '--at', at('12')]],
    ['complaint-note-1', ['complaint', 'note', '1', 'left a message', '--at', at('13')]],
    [
      'complaint-resolve-2',
      ['complaint', 'resolve', '2', '--resolution', 'refunded the delivery', '--satisfied', 'yes', '--compensation', '5.00', '--at', at('14')],
    ],
  ];
  return steps.map(([name, argv]) => ({ id: `${s.name}/setup/${name}.json`, argv: [...globals('en', 'json'), ...argv] }));
}

const REPORTS = ['churn', 'pyramid', 'lifecycle', 'rfm', 'movement', 'cohorts', 'complaints', 'staff', 'products', 'summary'];
const EXPORTS = ['customers', 'transactions', 'segments', 'complaints', 'rejects'];

/** What reads the made store: every command that prints data, in one language. */
export function readCases(s: Store, lang: Lang): Case[] {
  const c = (name: string, formats: Format[], args: string[], env?: Record<string, string>): Case[] => each(s.name, lang, name, formats, args, env);
  const asOf = ['--as-of', s.asOf];
  const at = ['--at', NOW];
  return [
    ...c('status', TERMINAL, ['status']),
    ...c('imports', TERMINAL, ['imports']),
    ...c('rejects', TERMINAL, ['rejects']),
    ...c('snapshots', TERMINAL, ['snapshots']),
    ...c('import-dry-run', TERMINAL, ['import', 'transactions', ...s.dryRun]),
    ...c('segment', TERMINAL, ['segment', ...asOf, '--no-save']),
    ...c('customers', ['csv', 'json'], ['customers', ...asOf]),
    ...c('customers-limit', ['table'], ['customers', ...asOf, '--limit', '25']),
    ...c('customers-decline', TERMINAL, ['customers', ...asOf, '--stage', 'decline', '--sort', 'value', '--limit', '15']),
    ...c('customer', TERMINAL, ['customer', s.customer, ...asOf]),
    ...c('model', TERMINAL, ['model', ...asOf, '--no-save']),
    ...c('churn', TERMINAL, ['churn', ...asOf, '--no-save']),
    ...c('churn-high', ['table'], ['churn', ...asOf, '--no-save', '--level', 'high', '--limit', '10']),
    ...c('churn-backtest', TERMINAL, ['churn', 'backtest', '--cutoff', s.cutoff, '--horizon', s.horizon]),
    ...REPORTS.flatMap((r) => c(`report-${r}`, REPORT, ['report', r, ...asOf, '--no-save'])),
    ...EXPORTS.flatMap((e) => c(`export-${e}`, ['csv', 'json'], ['export', e])),
    ...c('export-customers-redact', ['csv'], ['export', 'customers', '--redact'], { RAPPORT_REDACT_SECRET: 'golden-output-test-secret' }),
    ...c('export-customers-excel', ['csv'], ['export', 'customers', '--excel']),
    ...c('complaint-list', TERMINAL, ['complaint', 'list', ...at]),
    ...c('complaint-list-overdue', ['csv'], ['complaint', 'list', '--overdue', ...at]),
    ...c('complaint-show-1', TERMINAL, ['complaint', 'show', '1']),
    ...c('complaint-show-2', TERMINAL, ['complaint', 'show', '2']),
    ...c('complaint-summary', TERMINAL, ['complaint', 'summary', ...asOf]),
    ...c('config-list', TERMINAL, ['config', 'list']),
    ...c('config-get-rfm-bins', TERMINAL, ['config', 'get', 'rfm.bins']),
    ...c('config-get-tier-cuts', TERMINAL, ['config', 'get', 'tier.cuts']),
  ];
}

const HELP = [
  [],
  ['import'],
  ['import', 'transactions'],
  ['import', 'customers'],
  ['status'],
  ['imports'],
  ['imports', 'remove'],
  ['rejects'],
  ['segment'],
  ['customers'],
  ['customer'],
  ['model'],
  ['churn'],
  ['churn', 'backtest'],
  ['complaint'],
  ...['add', 'list', 'show', 'update', 'resolve', 'note', 'summary'].map((s) => ['complaint', s]),
  ['report'],
  ['export'],
  ['copy'],
  ['snapshots'],
  ['config'],
  ...['list', 'get', 'set', 'unset'].map((s) => ['config', s]),
  ['demo'],
];

/** `--help` of the program and of every command (the commands reference is made from it, issue 28). */
export function helpCases(lang: Lang): Case[] {
  return HELP.map((words) => ({ id: `help/${lang}/${['rapport', ...words].join('-')}.txt`, argv: ['--lang', lang, ...words, '--help'] }));
}

/**
 * `rapport demo` itself, each run on a fresh database under `dir` (the demo refuses one that
 * exists), run from the repository's root so the sample's path it prints is the same everywhere.
 */
export function demoCases(lang: Lang, dir: string): Case[] {
  return TERMINAL.map((f) => ({
    id: `demo-command/${lang}/demo.${EXT[f]}`,
    argv: ['--db', `${dir}/demo-${lang}-${f}.db`, '--lang', lang, '--format', f, ...(f === 'table' ? ['--width', '80'] : []), 'demo'],
  }));
}
