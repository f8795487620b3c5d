/**
 * Connecting to PostgreSQL: the URL (--db / RAPPORT_DB), the password from PGPASSWORD or the
 * password file as libpq reads them, and every way a connection or a write can fail turned into
 * one line with a hint. The password never comes from the URL and is never printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { PassingFault, RapportError } from '../../sys/errors.js';
import { t } from '../../i18n/index.js';

export type Sql = postgres.Sql;

/** Where a URL points, parsed. `socket`: host is a folder holding the server's Unix socket. */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  socket: boolean;
  sslmode: string | null;
  applicationName: string | null;
  connectTimeout: number | null;
}

type Env = Record<string, string | undefined>;

/** Debian's (and libpq's usual) socket folder, the default host when none is given and it exists. */
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const DEFAULT_CONNECT_TIMEOUT = 10;
const URL_PARAMS = new Set(['host', 'port', 'user', 'dbname', 'sslmode', 'application_name', 'connect_timeout']);

export function isPgUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** Query parameters whose value is a secret: refused, and never shown. */
const SECRET_PARAM = /pass/i;

/**
 * A URL cut into its parts as written (nothing decoded yet), or the reason it cannot be: the
 * scheme is not PostgreSQL's, or an @, #, / or ? stands where the parts cannot be told apart (a
 * password holding one, typed raw). Only what this returns is ever shown of a URL: an unreadable
 * one is shown as its scheme and "…", never a guess at which part is which.
 */
interface UrlParts {
  scheme: string;
  userinfo: string | null;
  hostport: string;
  dbpath: string | null;
  /** key=value pieces, raw. */
  query: string[];
}

function splitPgUrl(url: string): UrlParts | 'scheme' | 'unreadable' | 'port' {
  const head = /^(postgres(?:ql)?):\/\//i.exec(url);
  if (!head) return 'scheme';
  const rest = url.slice(head[0].length);
  // A fragment means nothing to PostgreSQL: a # is a password's (or a name's) character typed raw.
  if (rest.includes('#')) return 'unreadable';
  let userinfo: string | null = null;
  let after = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    userinfo = rest.slice(0, at);
    after = rest.slice(at + 1);
    // An @ after a / or ?, or a second @: the user, password and host cannot be told apart.
    if (/[/?]/.test(userinfo) || after.includes('@')) return 'unreadable';
  }
  const m = /^([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/s.exec(after);
  if (!m) return 'unreadable';
  // A colon after the host with no number after it: perhaps user:password with no host, not shown.
  if (!/^(\[[^\]]*\]|[^:[\]]*)(:\d+)?$/.test(m[1]!)) return 'port';
  return { scheme: head[1]!, userinfo, hostport: m[1]!, dbpath: m[2] ?? null, query: m[3] === undefined || m[3] === '' ? [] : m[3].split('&') };
}

/** A query piece's key, decoded; null when it cannot be decoded. */
function paramKey(part: string): string | null {
  const eq = part.indexOf('=');
  try {
    return decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
  } catch {
    return null;
  }
}

/** The URL as messages show it: rebuilt from its parts, without any password or secret value. */
function showParts(p: UrlParts): string {
  // With a password in the user part, the rest is not shown: an @ in the password would make
  // some of it look like the host. Only a plain user name is shown (it may be the password typed in its place).
  if (p.userinfo?.includes(':')) {
    const name = p.userinfo.slice(0, p.userinfo.indexOf(':'));
    return `${p.scheme}://${/^[A-Za-z0-9_.-]*$/.test(name) ? name : '…'}@…`;
  }
  const user = p.userinfo === null ? '' : `${p.userinfo}@`;
  const query = p.query
    .filter((part) => part !== '')
    .map((part) => {
      const key = paramKey(part);
      if (key !== null && URL_PARAMS.has(key) && !SECRET_PARAM.test(key)) return part;
      return key !== null && SECRET_PARAM.test(key) ? `${encodeURIComponent(key)}=***` : null;
    })
    .filter((part): part is string => part !== null);
  return `${p.scheme}://${user}${p.hostport}${p.dbpath === null ? '' : `/${p.dbpath}`}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/**
 * Parses postgres:// and postgresql:// URLs as libpq does: user@host:port/database, with
 * ?host=/socket/dir (or a %2F-encoded host) for a Unix socket. Missing parts come from PGHOST,
 * PGPORT, PGUSER and PGDATABASE, then the defaults. A password in the URL is refused; no message
 * shows any of it (every message shows describePg's form, built from the parts).
 */
export function parsePgUrl(url: string, env: Env = process.env): PgTarget {
  const parts = splitPgUrl(url);
  if (parts === 'scheme') throw new RapportError(t('pg.notUrl', { url: describePg(url) }), t('pg.notUrlHint'));
  if (parts === 'port') throw new RapportError(t('pg.portNotNumber', { url: describePg(url) }), t('pg.badPortHint'));
  if (parts === 'unreadable') throw new RapportError(t('pg.unreadable', { url: describePg(url) }), t('pg.unreadableHint'));
  const shown = showParts(parts);
  // Secrets first, before anything is decoded or named: a password is never echoed, whatever else is wrong.
  const keys = parts.query.filter((part) => part !== '').map(paramKey);
  if (keys.some((k) => k === null)) throw new RapportError(t('pg.badEscape', { url: shown }), t('pg.badEscapeHint'));
  if ((parts.userinfo ?? '').includes(':') || keys.some((k) => SECRET_PARAM.test(k!)))
    throw new RapportError(t('pg.passwordInUrl', { url: shown }), t('pg.passwordHint'));
  const params = new Map<string, string>();
  for (const part of parts.query) {
    if (part === '') continue;
    const key = paramKey(part)!;
    if (!URL_PARAMS.has(key)) {
      // A name that is not a word may be something typed in the wrong place: not shown either.
      const name = /^[A-Za-z_]{1,40}$/.test(key) ? key : '…';
      throw new RapportError(t('pg.badParam', { name, url: shown }), t('pg.badParamHint', { names: [...URL_PARAMS].join(', ') }));
    }
    const eq = part.indexOf('=');
    params.set(key, decode(eq < 0 ? '' : part.slice(eq + 1), shown));
  }
  const hostport = parts.hostport;
  let host = '';
  let port = '';
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2] ?? '';
  } else {
    const colon = hostport.lastIndexOf(':');
    host = decode(colon < 0 ? hostport : hostport.slice(0, colon), shown);
    port = colon < 0 ? '' : hostport.slice(colon + 1);
  }
  host = params.get('host') ?? (host || env.PGHOST || (fs.existsSync(DEFAULT_SOCKET_DIR) ? DEFAULT_SOCKET_DIR : 'localhost'));
  port = params.get('port') ?? (port || env.PGPORT || '5432');
  const portNumber = Number(port);
  if (!/^\d+$/.test(port) || portNumber < 1 || portNumber > 65535) throw new RapportError(t('pg.badPort', { port, url: shown }), t('pg.badPortHint'));
  const user = params.get('user') ?? (decode(parts.userinfo ?? '', shown) || env.PGUSER || osUser());
  const database = params.get('dbname') ?? (decode(parts.dbpath ?? '', shown) || env.PGDATABASE || user);
  const timeout = params.get('connect_timeout');
  return {
    host,
    port: portNumber,
    database,
    user,
    socket: host.startsWith('/'),
    sslmode: params.get('sslmode') ?? null,
    applicationName: params.get('application_name') ?? null,
    connectTimeout: timeout === undefined ? null : seconds(timeout, t('pg.connectTimeoutInUrl')),
  };
}

/**
 * The URL as status and messages show it: without any password or secret parameter. A URL that
 * cannot be cut into its parts shows as its scheme and "…" (none of its user part or query).
 */
export function describePg(url: string): string {
  const parts = splitPgUrl(url);
  if (typeof parts !== 'string') return showParts(parts);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]{0,20}):\/\//.exec(url);
  return scheme ? `${scheme[1]}://…` : '…';
}

/** Where the target is, for messages: host:port/database, or the socket file. */
function place(target: PgTarget): string {
  return target.socket
    ? t('pg.socketPlace', { socket: path.join(target.host, `.s.PGSQL.${target.port}`), database: target.database })
    : `${target.host}:${target.port}/${target.database}`;
}

/** Where the password for a login came from: what a refused login's message can tell apart. */
export interface PasswordFound {
  password?: string;
  /** PGPASSWORD, or the password file that gave it. */
  from?: string;
  /** A password file others can read, ignored as libpq ignores it: its path and mode (0644). */
  ignored?: { file: string; mode: string };
}

/**
 * The password as libpq finds it: PGPASSWORD, else the first matching line of the password file
 * (PGPASSFILE, else ~/.pgpass), which is ignored unless only its owner can read it.
 */
function lookPassword(target: PgTarget, env: Env): PasswordFound {
  if (env.PGPASSWORD !== undefined && env.PGPASSWORD !== '') return { password: env.PGPASSWORD, from: 'PGPASSWORD' };
  const file = env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return {};
    if ((st.mode & 0o077) !== 0) return { ignored: { file, mode: (st.mode & 0o777).toString(8).padStart(4, '0') } };
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  // A socket in the default folder matches "localhost", as in libpq.
  const hosts = target.socket && target.host === DEFAULT_SOCKET_DIR ? [target.host, 'localhost'] : [target.host];
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const f = pgpassFields(line);
    if (f.length < 5) continue;
    const [h, p, d, u] = f as [string, string, string, string];
    const pass = f.slice(4).join(':');
    if (
      (h === '*' || hosts.includes(h)) &&
      (p === '*' || p === String(target.port)) &&
      (d === '*' || d === target.database) &&
      (u === '*' || u === target.user)
    )
      return { password: pass, from: file };
  }
  return {};
}

/** lookPassword's password, with a warning for a password file that is ignored. */
export function findPassword(target: PgTarget, env: Env, warn: (message: string) => void = () => {}): string | undefined {
  const found = lookPassword(target, env);
  if (found.ignored) warn(t('pg.passfileIgnored', found.ignored));
  return found.password;
}

/** A .pgpass line's fields: split at unescaped colons, with \: and \\ unescaped. */
function pgpassFields(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) cur += line[++i];
    else if (c === ':' && fields.length < 4) {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

export interface ConnectOptions {
  /** Connections in the pool: 1 for a command. */
  max?: number;
  /** A warning for stderr (an unreadable password file). */
  warn?: (message: string) => void;
}

let lateWriteGuarded = false;

/**
 * postgres 3.4.9 defers a small write to a setImmediate; when the server goes away before it runs
 * (the connection closed, its socket set to null), that callback throws a TypeError no caller can
 * catch, and the process died with the driver's stack instead of rapport's one line (upstream:
 * porsager/postgres issues 1066, 1154, 1208). By then the driver has already rejected the
 * statement in flight with CONNECTION_CLOSED, which rapport reports as the lost connection, so
 * this one error is dropped; any other uncaught error still ends the process as before.
 */
function guardLateWrite(): void {
  if (lateWriteGuarded) return;
  lateWriteGuarded = true;
  process.on('uncaughtException', (e) => {
    const stack = e instanceof TypeError ? (e.stack ?? '') : '';
    if (/reading 'write'/.test(e.message) && /nextWrite/.test(stack) && /postgres[\\/]src[\\/]connection\.js/.test(stack)) return;
    // Another listener (a test runner) reports it; alone, end as Node does without a listener.
    if (process.listenerCount('uncaughtException') > 1) return;
    process.stderr.write(`${e.stack ?? String(e)}\n`);
    process.exit(1);
  });
}

/**
 * A connected `postgres` instance for the URL: the server is reached and the login checked
 * before this returns, so a wrong host, login or database fails here, as one line with a hint.
 * int8 and numeric come back as JS numbers (rapport's integers, money included, are < 2^53).
 */
export async function connectPg(url: string, env: Env = process.env, options: ConnectOptions = {}): Promise<Sql> {
  const target = parsePgUrl(url, env);
  guardLateWrite();
  const timeout =
    target.connectTimeout ?? (env.RAPPORT_PG_CONNECT_TIMEOUT ? seconds(env.RAPPORT_PG_CONNECT_TIMEOUT, 'RAPPORT_PG_CONNECT_TIMEOUT') : DEFAULT_CONNECT_TIMEOUT);
  const found = lookPassword(target, env);
  if (found.ignored) options.warn?.(t('pg.passfileIgnored', found.ignored));
  const password = found.password;
  const open = (searchPath?: string): Sql =>
    postgres({
      host: target.host,
      port: target.port,
      path: target.socket ? path.join(target.host, `.s.PGSQL.${target.port}`) : undefined,
      database: target.database,
      user: target.user,
      pass: () => password ?? '',
      max: options.max ?? 1,
      connect_timeout: timeout,
      idle_timeout: 0,
      max_lifetime: null,
      ssl: sslOption(target.sslmode, url),
      onnotice: () => {},
      connection: { application_name: target.applicationName ?? 'rapport', ...(searchPath === undefined ? {} : { search_path: searchPath }) },
      types: {
        bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
        numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      },
    });
  const check = async (sql: Sql): Promise<string | null> => {
    try {
      const [row] = await sql<{ schema: string | null }[]>`SELECT current_schema() AS schema`;
      return row!.schema;
    } catch (e) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw pgFault(e, url, env, timeout, found) ?? e;
    }
  };
  let sql = open();
  // A role whose search_path names no schema (empty, or only schemas that do not exist) would
  // find none of rapport's tables and create them nowhere: such a session is pinned to public.
  if ((await check(sql)) === null) {
    await sql.end({ timeout: 0 }).catch(() => {});
    sql = open('public');
    await check(sql);
  }
  return sql;
}

function sslOption(mode: string | null, url: string): boolean | 'require' | 'prefer' | 'verify-full' {
  switch (mode) {
    case null:
    case 'disable':
      return false;
    case 'prefer':
    case 'allow':
      return 'prefer';
    case 'require':
      return 'require';
    case 'verify-ca':
    case 'verify-full':
      return 'verify-full';
    default:
      throw new RapportError(t('pg.badSslmode', { mode, url: describePg(url) }), t('pg.badSslmodeHint'));
  }
}

/**
 * A failure talking to PostgreSQL as one line with a hint, or undefined when it is not one of
 * the expected ones (a bug, shown as such). Used for connecting and for every later statement.
 */
/** What the open store knows of the database, for hints that work when run as written. */
export interface DbFacts {
  /** The schema rapport's tables are in. */
  schema: string;
  /** The role that owns them (who can GRANT on them), null before they exist. */
  owner: string | null;
  /** The role may read rapport's tables but not write them: a read-only role, by design. */
  readOnly: boolean;
}

export function pgFault(
  e: unknown,
  url: string,
  env: Env = process.env,
  timeout = DEFAULT_CONNECT_TIMEOUT,
  login?: PasswordFound,
  facts?: DbFacts,
): RapportError | undefined {
  const err = e as { code?: unknown; message?: unknown; severity?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const serverSays = typeof err?.message === 'string' ? err.message : String(e);
  let target: PgTarget;
  try {
    target = parsePgUrl(url, env);
  } catch {
    return undefined;
  }
  const where = place(target);
  const fault = (key: string, hint: string, vars: Record<string, string | number> = {}): RapportError => new RapportError(t(key, { where, ...vars }), hint);
  // The server down, unreachable or gone: it can come back (PassingFault), unlike a refusal.
  const passing = (key: string, hint: string, vars: Record<string, string | number> = {}): RapportError => new PassingFault(t(key, { where, ...vars }), hint);
  const check = t('pg.checkServerHint');
  switch (code) {
    case 'ECONNREFUSED':
      return passing('pg.refused', check);
    case 'ENOENT':
      return passing('pg.noSocket', check);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fault('pg.unknownHost', t('pg.unknownHostHint'), { host: target.host });
    case 'ECONNRESET':
    case 'EPIPE':
      // Once logged in (no login facts given), a reset is the server going away mid-command.
      if (login === undefined) return lost(passing('pg.lost', t('pg.lostHint'), { detail: code }));
      return passing('pg.unreachable', check, { code });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return passing('pg.unreachable', check, { code });
    case 'EACCES':
      return fault('pg.unreachable', check, { code });
    case 'CONNECT_TIMEOUT':
      return passing('pg.timeout', t('pg.timeoutHint'), { seconds: timeout });
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_DESTROYED':
    case 'CONNECTION_ENDED':
    case '57P01':
    case '57P02':
    case '57P03':
      return lost(passing('pg.lost', t('pg.lostHint'), { detail: serverSays }));
    default:
      return loginOrServerFault(code, serverSays, target, fault, passing, login, facts);
  }
}

/** pgFault's second half: the server's own refusals (SQLSTATE codes) at login and after. */
function loginOrServerFault(
  code: string,
  serverSays: string,
  target: PgTarget,
  fault: (key: string, hint: string, vars?: Record<string, string | number>) => RapportError,
  passing: (key: string, hint: string, vars?: Record<string, string | number>) => RapportError,
  login?: PasswordFound,
  facts?: DbFacts,
): RapportError | undefined {
  switch (code) {
    case '28P01':
    case 'SASL_SIGNATURE_MISMATCH': {
      // The server says only "password authentication failed", for a wrong password and for a
      // role that does not exist alike (its log tells them apart): what rapport sent is told here.
      const user = quoteIdent(target.user);
      if (login?.ignored) return fault('pg.passfileModeLogin', t('pg.passfileModeHint', login.ignored), { user: target.user, ...login.ignored });
      if (login !== undefined && login.password === undefined) return fault('pg.noPassword', t('pg.passwordHint'), { user: target.user });
      return fault('pg.badPassword', t('pg.badPasswordHint', { user, from: login?.from ?? 'PGPASSWORD / ~/.pgpass' }), { user: target.user });
    }
    case '28000':
      if (/^role ".*" does not exist$/.test(serverSays))
        return fault('pg.noRole', t('pg.noRoleHint', { user: quoteIdent(target.user) }), { user: target.user });
      return fault('pg.loginRefused', t('pg.loginRefusedHint', { user: target.user }), { detail: serverSays });
    case '3D000': {
      const server = target.socket ? path.join(target.host, `.s.PGSQL.${target.port}`) : `${target.host}:${target.port}`;
      return fault('pg.noDatabase', t('pg.noDatabaseHint', { database: target.database }), { database: target.database, server });
    }
    case '42501':
      if (facts?.readOnly && /for (table|relation|sequence)/.test(serverSays))
        return fault('pg.readOnlyRole', t('pg.readOnlyRoleHint'), { detail: serverSays, user: target.user });
      return fault('pg.denied', grantHint(serverSays, target, facts), { detail: serverSays, user: target.user });
    case '3F000':
      return fault('pg.noSchema', t('pg.noSchemaHint', { user: quoteIdent(target.user) }), { detail: serverSays });
    case '25006':
      return fault('pg.readOnly', t('pg.readOnlyHint'), { detail: serverSays });
    case '53100':
      return passing('pg.diskFull', t('pg.diskFullHint'));
    case '53200':
      return passing('pg.outOfMemory', t('pg.outOfMemoryHint'));
    case '53300':
      return passing('pg.tooMany', t('pg.tooManyHint'));
    default:
      return undefined;
  }
}

/** The connection-loss messages pgFault made: isLost knows them after the error is translated. */
const lostFaults = new WeakSet<object>();

function lost(e: RapportError): RapportError {
  lostFaults.add(e);
  return e;
}

const LOST_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03']);

/** The error says the connection to the server is gone (as the client or the server reported it, or as pgFault translated it). */
export function isLost(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return lostFaults.has(e) || (typeof code === 'string' && LOST_CODES.has(code));
}

const NEVER = new Promise<never>(() => {});

/**
 * sql.begin, for a connection that may be lost at any moment. postgres 3.4 rejects begin()
 * itself when the transaction's connection closes, but still sends ROLLBACK (or COMMIT) on the
 * closed connection when fn settles afterwards, which throws a TypeError from a timer (a raw stack
 * trace after rapport's own message). Once the connection is known lost, fn is left unsettled:
 * begin() has rejected with the loss, and nothing more is sent.
 */
export function transaction<T>(sql: Sql, fn: (tx: postgres.TransactionSql) => Promise<T>, options = ''): Promise<T> {
  let gone = false;
  const outer = sql.begin(options, async (tx) => {
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      if (gone || isLost(e)) return NEVER;
      throw e;
    }
    return gone ? NEVER : result;
  }) as Promise<T>;
  outer.catch((e: unknown) => {
    if (isLost(e)) gone = true;
  });
  return outer;
}

/**
 * Which GRANT to give, from the server's "permission denied for ..." message, and who can give it:
 * rights on tables are granted by their owner (a database's owner who does not own them cannot),
 * and ALTER DEFAULT PRIVILEGES gives the same rights on the tables a later rapport adds.
 */
function grantHint(message: string, target: PgTarget, facts?: DbFacts): string {
  const u = quoteIdent(target.user);
  const schema = quoteIdent(facts?.schema ?? 'public');
  const run = (sql: string): string => (facts?.owner ? t('pg.grantRunAs', { owner: quoteIdent(facts.owner), sql }) : t('pg.grantRun', { sql }));
  const tables = `SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${u}; `;
  const later = facts?.owner
    ? `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(facts.owner)} IN SCHEMA ${schema} GRANT ${tables}ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(facts.owner)} IN SCHEMA ${schema} GRANT USAGE ON SEQUENCES TO ${u}`
    : '';
  if (/for schema/.test(message)) return run(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${u}`);
  if (/for (table|relation|sequence)/.test(message)) {
    return run(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${u}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${u}${later === '' ? '' : `; ${later}`}`,
    );
  }
  if (/for database/.test(message)) return run(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(target.database)} TO ${u}`);
  return t('pg.grantAsk', { user: u });
}

function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

/** A part of the URL decoded; `shown` is the URL as messages show it (describePg). */
function decode(s: string, shown: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new RapportError(t('pg.badEscape', { url: shown }), t('pg.badEscapeHint'));
  }
}

/**
 * The longest connect timeout, in seconds: the driver waits with setTimeout, which fires at once
 * for more than 2^31 - 1 ms, so connect_timeout=2147484 failed at once (issue 22). A longer one
 * asked for (a wait of 24.8 days and more) is this one, as RAPPORT_BUSY_TIMEOUT_MS is.
 */
const LONGEST_CONNECT_TIMEOUT = Math.floor((2 ** 31 - 1) / 1000);

function seconds(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new RapportError(t('pg.badSeconds', { what, value: text }), t('pg.badSecondsHint'));
  return Math.min(n, LONGEST_CONNECT_TIMEOUT);
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'postgres';
  }
}
