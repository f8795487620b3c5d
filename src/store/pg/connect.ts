/**
 * Connecting to PostgreSQL: the URL (--db / RAPPORT_DB), the password from PGPASSWORD or the
 * password file as libpq reads them, and every way a connection or a write can fail turned into
 * one line with a hint. The password never comes from the URL and is never printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { RapportError } from '../../errors.js';

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
const URL_PARAMS = new Set(['host', 'port', 'user', 'dbname', 'sslmode', 'application_name', 'connect_timeout', 'password']);
const PASSWORD_HINT = 'give the password in PGPASSWORD or a ~/.pgpass line (host:port:database:user:password, file mode 0600), never in the URL';

export function isPgUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * Parses postgres:// and postgresql:// URLs as libpq does: user@host:port/database, with
 * ?host=/socket/dir (or a %2F-encoded host) for a Unix socket. Missing parts come from PGHOST,
 * PGPORT, PGUSER and PGDATABASE, then the defaults. A password in the URL is refused.
 */
export function parsePgUrl(url: string, env: Env = process.env): PgTarget {
  const m = /^(postgres(?:ql)?):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(url);
  if (!m) throw new RapportError(`not a PostgreSQL URL: ${describePg(url)}`, 'write it as postgres://USER@HOST:PORT/DATABASE (or ?host=/socket/dir for a Unix socket)');
  const [, , userinfo = '', hostport = '', dbpath = '', query = ''] = m;
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq), url);
    if (!URL_PARAMS.has(key)) {
      throw new RapportError(`unknown parameter "${key}" in PostgreSQL URL ${describePg(url)}`, `rapport understands ${[...URL_PARAMS].filter((p) => p !== 'password').join(', ')}`);
    }
    params.set(key, decode(eq < 0 ? '' : part.slice(eq + 1), url));
  }
  if (userinfo.includes(':') || params.has('password')) throw new RapportError(`the PostgreSQL URL ${describePg(url)} contains a password`, PASSWORD_HINT);

  let host = '';
  let port = '';
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2] ?? '';
  } else {
    const colon = hostport.lastIndexOf(':');
    host = decode(colon < 0 ? hostport : hostport.slice(0, colon), url);
    port = colon < 0 ? '' : hostport.slice(colon + 1);
  }
  host = params.get('host') ?? (host || env.PGHOST || (fs.existsSync(DEFAULT_SOCKET_DIR) ? DEFAULT_SOCKET_DIR : 'localhost'));
  port = params.get('port') ?? (port || env.PGPORT || '5432');
  const portNumber = Number(port);
  if (!/^\d+$/.test(port) || portNumber < 1 || portNumber > 65535) throw new RapportError(`bad port "${port}" in PostgreSQL URL ${describePg(url)}`, 'a port is a number from 1 to 65535 (PostgreSQL listens on 5432 unless told otherwise)');
  const user = params.get('user') ?? (decode(userinfo, url) || env.PGUSER || osUser());
  const database = params.get('dbname') ?? (decode(dbpath, url) || env.PGDATABASE || user);
  const timeout = params.get('connect_timeout');
  return {
    host,
    port: portNumber,
    database,
    user,
    socket: host.startsWith('/'),
    sslmode: params.get('sslmode') ?? null,
    applicationName: params.get('application_name') ?? null,
    connectTimeout: timeout === undefined ? null : seconds(timeout, 'connect_timeout in the PostgreSQL URL'),
  };
}

/** The URL with any password removed: what status and messages show. */
export function describePg(url: string): string {
  return url
    .replace(/^([a-z]+:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1@')
    .replace(/([?&]password=)[^&#]*/i, '$1***');
}

/** Where the target is, for messages: host:port/database, or the socket file. */
function place(t: PgTarget): string {
  return t.socket ? `${path.join(t.host, `.s.PGSQL.${t.port}`)} (database ${t.database})` : `${t.host}:${t.port}/${t.database}`;
}

/**
 * The password as libpq finds it: PGPASSWORD, else the first matching line of the password file
 * (PGPASSFILE, else ~/.pgpass), which is ignored unless only its owner can read it.
 */
export function findPassword(t: PgTarget, env: Env, warn: (message: string) => void = () => {}): string | undefined {
  if (env.PGPASSWORD !== undefined && env.PGPASSWORD !== '') return env.PGPASSWORD;
  const file = env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return undefined;
    if ((st.mode & 0o077) !== 0) {
      warn(`password file ${file} is ignored: others can read it (chmod 600 ${file})`);
      return undefined;
    }
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // A socket in the default folder matches "localhost", as in libpq.
  const hosts = t.socket && t.host === DEFAULT_SOCKET_DIR ? [t.host, 'localhost'] : [t.host];
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const f = pgpassFields(line);
    if (f.length < 5) continue;
    const [h, p, d, u] = f as [string, string, string, string];
    const pass = f.slice(4).join(':');
    if ((h === '*' || hosts.includes(h)) && (p === '*' || p === String(t.port)) && (d === '*' || d === t.database) && (u === '*' || u === t.user)) return pass;
  }
  return undefined;
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

/**
 * A connected `postgres` instance for the URL: the server is reached and the login checked
 * before this returns, so a wrong host, login or database fails here, as one line with a hint.
 * int8 and numeric come back as JS numbers (rapport's integers, money included, are < 2^53).
 */
export async function connectPg(url: string, env: Env = process.env, options: ConnectOptions = {}): Promise<Sql> {
  const t = parsePgUrl(url, env);
  const timeout = t.connectTimeout ?? (env.RAPPORT_PG_CONNECT_TIMEOUT ? seconds(env.RAPPORT_PG_CONNECT_TIMEOUT, 'RAPPORT_PG_CONNECT_TIMEOUT') : DEFAULT_CONNECT_TIMEOUT);
  const password = findPassword(t, env, options.warn);
  const sql = postgres({
    host: t.host,
    port: t.port,
    path: t.socket ? path.join(t.host, `.s.PGSQL.${t.port}`) : undefined,
    database: t.database,
    user: t.user,
    pass: () => password ?? '',
    max: options.max ?? 1,
    connect_timeout: timeout,
    idle_timeout: 0,
    max_lifetime: null,
    ssl: sslOption(t.sslmode, url),
    onnotice: () => {},
    connection: { application_name: t.applicationName ?? 'rapport' },
    types: {
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  });
  try {
    await sql`SELECT 1`;
  } catch (e) {
    await sql.end({ timeout: 0 }).catch(() => {});
    throw pgFault(e, url, env, timeout) ?? e;
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
      throw new RapportError(`unknown sslmode "${mode}" in PostgreSQL URL ${describePg(url)}`, 'use disable, prefer, require or verify-full');
  }
}

/**
 * A failure talking to PostgreSQL as one line with a hint, or undefined when it is not one of
 * the expected ones (a bug, shown as such). Used for connecting and for every later statement.
 */
export function pgFault(e: unknown, url: string, env: Env = process.env, timeout = DEFAULT_CONNECT_TIMEOUT): RapportError | undefined {
  const err = e as { code?: unknown; message?: unknown; severity?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const serverSays = typeof err?.message === 'string' ? err.message : String(e);
  let t: PgTarget;
  try {
    t = parsePgUrl(url, env);
  } catch {
    return undefined;
  }
  const where = place(t);
  const check = 'check the host and port in --db / RAPPORT_DB, and that the server is running';
  switch (code) {
    case 'ECONNREFUSED':
      return new RapportError(`cannot reach PostgreSQL at ${where}: connection refused`, check);
    case 'ENOENT':
      return new RapportError(`cannot reach PostgreSQL at ${where}: no server socket there`, check);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RapportError(`cannot reach PostgreSQL at ${where}: unknown host ${t.host}`, 'check the host name in --db / RAPPORT_DB');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'EACCES':
      return new RapportError(`cannot reach PostgreSQL at ${where}: ${code}`, check);
    case 'CONNECT_TIMEOUT':
      return new RapportError(`PostgreSQL at ${where} did not answer within ${timeout} s`, 'check the network and firewall; RAPPORT_PG_CONNECT_TIMEOUT=SECONDS waits longer');
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_DESTROYED':
    case 'CONNECTION_ENDED':
    case '57P01':
    case '57P02':
    case '57P03':
      return new RapportError(`the connection to PostgreSQL at ${where} was lost (${serverSays})`, 'nothing of the unfinished command was written; run it again when the server is back');
    case '28P01':
    case 'SASL_SIGNATURE_MISMATCH':
      return new RapportError(`PostgreSQL at ${where} refused the login of user ${t.user}: password authentication failed`, PASSWORD_HINT);
    case '28000':
      return new RapportError(`PostgreSQL at ${where} refused the login: ${serverSays}`, `check the user name (${t.user}), and ask the server's administrator for a pg_hba.conf line that lets it in`);
    case '3D000':
      return new RapportError(`database "${t.database}" does not exist on PostgreSQL at ${t.socket ? path.join(t.host, `.s.PGSQL.${t.port}`) : `${t.host}:${t.port}`}`, `create it first: createdb ${t.database} (or CREATE DATABASE ${t.database}), or fix the name in --db / RAPPORT_DB`);
    case '42501':
      return new RapportError(`PostgreSQL at ${where}: ${serverSays} (user ${t.user})`, grantHint(serverSays, t));
    case '25006':
      return new RapportError(`PostgreSQL at ${where} is read-only: ${serverSays}`, 'point --db / RAPPORT_DB at the primary server (not a standby); nothing was written');
    case '53100':
      return new RapportError(`the PostgreSQL server at ${where} is out of disk space`, 'free space on the server; nothing was written (the transaction was rolled back)');
    case '53200':
      return new RapportError(`the PostgreSQL server at ${where} is out of memory`, 'try again later, or ask its administrator; nothing was written');
    case '53300':
      return new RapportError(`too many connections to PostgreSQL at ${where}`, 'try again when other clients have finished, or raise max_connections on the server');
    default:
      return undefined;
  }
}

/** Which GRANT the owner should give, from the server's "permission denied for ..." message. */
function grantHint(message: string, t: PgTarget): string {
  const u = quoteIdent(t.user);
  if (/for schema/.test(message)) return `the database owner can run: GRANT USAGE, CREATE ON SCHEMA public TO ${u}`;
  if (/for (table|relation)/.test(message)) return `the database owner can run: GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${u}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${u}`;
  if (/for sequence/.test(message)) return `the database owner can run: GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${u}`;
  if (/for database/.test(message)) return `the database owner can run: GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(t.database)} TO ${u}`;
  return `ask the database owner to GRANT ${u} the rights on the database and its tables; nothing was written`;
}

function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

function decode(s: string, url: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new RapportError(`bad %-escape in PostgreSQL URL ${describePg(url)}`, 'escape special characters as %XX (a / in a socket folder as %2F)');
  }
}

function seconds(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new RapportError(`${what} must be a number of seconds above 0, not "${text}"`, 'for example 10');
  return n;
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'postgres';
  }
}
