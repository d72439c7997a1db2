// The one place that says what a storage error is. SQLite (better-sqlite3 codes such as
// SQLITE_FULL), PostgreSQL (SQLSTATE codes such as 53100) and the socket under pg (ECONNREFUSED,
// "Connection terminated unexpectedly", the pool's connect timeout) all map to a few kinds that
// the rest of the program acts on: the API answers 503 with Retry-After, /readyz names the kind,
// logs say it once per outage. Anything not listed here is not a storage failure (a bug, a
// constraint violation …) and stays what it was. See docs/RELIABILITY.md.

export type StorageFailureKind =
  /** No connection: refused, reset, terminated, the server shutting down or starting up. */
  | 'unreachable'
  /** The pool could not hand out a connection in time. */
  | 'timeout'
  /** The server refuses more connections. */
  | 'too_many_connections'
  /** No space left for the write. */
  | 'disk_full'
  /** The database accepts no writes (file permissions, read-only mount, standby, read-only transaction). */
  | 'read_only'
  /** Another connection held the lock for longer than the busy timeout. */
  | 'busy'
  /** The file is not a database or is damaged. */
  | 'corrupt'
  /** The disk failed under a read or write. */
  | 'io_error';

interface KindSpec {
  /** Said in /readyz, logs and the 503 message: no addresses, names or credentials. */
  description: string;
  /** Seconds a client should wait before trying again (the Retry-After header). */
  retryAfterS: number;
}

export const STORAGE_FAILURES: Record<StorageFailureKind, KindSpec> = {
  unreachable: { description: 'database unreachable', retryAfterS: 5 },
  timeout: { description: 'database unreachable (timed out waiting for a connection)', retryAfterS: 5 },
  too_many_connections: { description: 'database refuses more connections', retryAfterS: 5 },
  disk_full: { description: 'database disk is full', retryAfterS: 30 },
  read_only: { description: 'database is read-only', retryAfterS: 30 },
  busy: { description: 'database is busy (locked by another connection)', retryAfterS: 1 },
  corrupt: { description: 'database file is corrupt or not a database', retryAfterS: 60 },
  io_error: { description: 'database disk I/O error', retryAfterS: 30 },
};

/** A classified storage failure; `cause` is the driver's error, for the server log only. */
export interface StorageFailure {
  kind: StorageFailureKind;
  /** The driver's code (SQLITE_FULL, 53100, ECONNREFUSED …), safe to log and show. */
  code: string;
}

const SQLITE_KINDS: Record<string, StorageFailureKind> = {
  SQLITE_FULL: 'disk_full',
  SQLITE_READONLY: 'read_only',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_IOERR: 'io_error',
  SQLITE_CANTOPEN: 'io_error',
};

const PG_KINDS: Record<string, StorageFailureKind> = {
  '53100': 'disk_full', // disk_full
  '25006': 'read_only', // read_only_sql_transaction
  '53300': 'too_many_connections', // too_many_connections
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now (starting up, shutting down)
  '58030': 'io_error', // io_error
  XX001: 'corrupt', // data_corrupted
  XX002: 'corrupt', // index_corrupted
};

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** pg's own messages when the socket under a client is gone (they carry no code). */
const PG_CONNECTION_MESSAGES: Array<[RegExp, StorageFailureKind]> = [
  [/timeout exceeded when trying to connect|connection terminated due to connection timeout/i, 'timeout'],
  [/connection terminated|client has encountered a connection error|client was closed and is not queryable|connection is closed|server closed the connection/i, 'unreachable'],
];

/**
 * The error for a caller that waited in one of leadhook's own queues in front of the database (a
 * shared statement, the previous change of a lead) as long as the pool lets a caller wait for a
 * connection: in the pool's own words, so it is classified, and answered, as that same wait.
 */
export function waitedAsForConnection(what: string): Error {
  return new Error(`timeout exceeded when trying to connect: ${what}`);
}

/** What kind of storage failure `error` is, or undefined when it is none (then it is a bug or a refusal). */
export function classifyStorageError(error: unknown): StorageFailure | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const found = classifyOne(current);
    if (found) return found;
    // AggregateError (a host name with several addresses), and errors wrapping a cause.
    const inner = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0) return classifyStorageError(inner[0]);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function classifyOne(error: unknown): StorageFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) {
      // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY …) share their primary's kind.
      const primary = Object.keys(SQLITE_KINDS).find((p) => code === p || code.startsWith(`${p}_`));
      return primary ? { kind: SQLITE_KINDS[primary]!, code } : undefined;
    }
    const pgKind = PG_KINDS[code];
    if (pgKind) return { kind: pgKind, code };
    if (code.startsWith('08')) return { kind: 'unreachable', code }; // connection_exception class
    if (SOCKET_CODES.has(code)) return { kind: 'unreachable', code };
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') {
    for (const [pattern, kind] of PG_CONNECTION_MESSAGES) if (pattern.test(message)) return { kind, code: 'CONNECTION_LOST' };
  }
  return undefined;
}

/** Thrown (or recognised) where a storage failure must reach the HTTP layer as 503. */
export class StorageUnavailableError extends Error {
  readonly kind: StorageFailureKind;
  readonly retryAfterS: number;

  constructor(failure: StorageFailure, cause?: unknown) {
    super(STORAGE_FAILURES[failure.kind].description, { cause });
    this.name = 'StorageUnavailableError';
    this.kind = failure.kind;
    this.retryAfterS = STORAGE_FAILURES[failure.kind].retryAfterS;
  }
}

/** Kinds that mean writes fail while reads may still work: /readyz must not trust `select 1` alone. */
export const WRITE_FAILURES: ReadonlySet<StorageFailureKind> = new Set(['disk_full', 'read_only', 'corrupt', 'io_error']);
