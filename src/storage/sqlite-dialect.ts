// Kysely's SQLite dialect, adjusted for several connections writing one WAL file (the API thread,
// the delivery thread, the CLI):
// - Transactions open with BEGIN IMMEDIATE (sqlite-group-commit.ts) instead of a deferred BEGIN. A deferred transaction that
//   reads and then writes fails with SQLITE_BUSY when another connection wrote in between, and no
//   busy timeout helps then; IMMEDIATE takes the write lock up front.
// - Waiting for the write lock does not block the thread. SQLite's own busy handler sleeps inside
//   the native call (1, 2, 5, 10 … 25 ms steps), freezing the event loop and overshooting the
//   moment the lock frees. Instead the connection has no busy timeout, and a statement refused with
//   SQLITE_BUSY is retried asynchronously at short intervals until `busyTimeoutMs` has passed, and
//   at once when another connection of this process ends its write transaction
//   (sqlite-lock-releases.ts). A refused statement did nothing (SQLite statements are atomic), so
//   retrying it is safe.
// - Transactions that arrive together share one COMMIT (sqlite-group-commit.ts), which also rolls
//   back only while a transaction is open: SQLite ends a transaction by itself on some errors
//   (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM), and a ROLLBACK would then fail with "no transaction
//   is active" instead of the error that says what happened.
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig, type SqliteDriver } from 'kysely';
import { GroupCommitDriver, type GroupCommitOptions } from './sqlite-group-commit.ts';
import type { LockReleases } from './sqlite-lock-releases.ts';

export interface BusyRetryOptions {
  /** Give up (and throw SQLITE_BUSY) after waiting this long for the lock. */
  busyTimeoutMs: number;
  /** Wakes a wait when another connection of this process ends a write transaction; without it, waits are fixed. */
  releases?: LockReleases;
  /** The waits between attempts (ms; the last repeats). Default RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[];
}

export type WalSqliteOptions = BusyRetryOptions & Omit<GroupCommitOptions, 'maxMembers' | 'maxAgeMs'> & Partial<GroupCommitOptions>;

/** A group commits after 64 transactions or 5 ms at most, whichever comes first. */
const GROUP_DEFAULTS = { maxMembers: 64, maxAgeMs: 5 };

const RETRY_DELAYS_MS = [0, 0, 1, 1, 2, 2, 4];

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

async function retryWhileBusy<T>(run: () => Promise<T>, options: BusyRetryOptions): Promise<T> {
  const deadline = Date.now() + options.busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
      const delay = delays[Math.min(attempt, delays.length - 1)]!;
      if (delay === 0) await new Promise((resolve) => setImmediate(resolve));
      else await (options.releases ? options.releases.next(delay) : sleep(delay));
    }
  }
}

function retryingConnection(connection: DatabaseConnection, options: BusyRetryOptions): DatabaseConnection {
  return {
    executeQuery: (query) => retryWhileBusy(async () => connection.executeQuery(query), options),
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

export class WalSqliteDialect extends SqliteDialect {
  private driver: GroupCommitDriver | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly options: WalSqliteOptions,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver() as SqliteDriver;
    const acquire = driver.acquireConnection.bind(driver);
    driver.acquireConnection = async () => retryingConnection(await acquire(), this.options);
    const releases = this.options.releases;
    this.driver = new GroupCommitDriver(driver, { ...GROUP_DEFAULTS, ...this.options, ...(releases ? { onRelease: () => releases.released() } : {}) });
    return this.driver;
  }

  /** Commits the open group, if any (before a checkpoint at close). */
  async flush(): Promise<void> {
    await this.driver?.flush();
  }
}
