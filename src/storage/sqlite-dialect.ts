// Kysely's SQLite dialect, adjusted for several connections writing one WAL file (the API thread,
// the delivery thread, the CLI):
// - Transactions open with BEGIN IMMEDIATE instead of a deferred BEGIN. A deferred transaction that
//   reads and then writes fails with SQLITE_BUSY when another connection wrote in between, and no
//   busy timeout helps then; IMMEDIATE takes the write lock up front.
// - Waiting for the write lock does not block the thread. SQLite's own busy handler sleeps inside
//   the native call (1, 2, 5, 10 … 25 ms steps), freezing the event loop and overshooting the
//   moment the lock frees. Instead the connection has no busy timeout, and a statement refused with
//   SQLITE_BUSY is retried asynchronously at short intervals until `busyTimeoutMs` has passed.
//   A refused statement did nothing (SQLite statements are atomic), so retrying it is safe.
// - ROLLBACK runs only while a transaction is open. SQLite ends a transaction by itself on some
//   errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); a ROLLBACK then fails with "no transaction is
//   active", and Kysely would throw that instead of the error that says what happened.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig, type SqliteDriver } from 'kysely';

export interface BusyRetryOptions {
  /** Give up (and throw SQLITE_BUSY) after waiting this long for the lock. */
  busyTimeoutMs: number;
  /** Whether the connection has a transaction open (better-sqlite3's `inTransaction`). */
  inTransaction?: () => boolean;
}

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
      const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
      await (delay === 0 ? new Promise((resolve) => setImmediate(resolve)) : sleep(delay));
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
  constructor(
    config: SqliteDialectConfig,
    private readonly busy: BusyRetryOptions,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver() as SqliteDriver;
    const acquire = driver.acquireConnection.bind(driver);
    driver.acquireConnection = async () => retryingConnection(await acquire(), this.busy);
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    const inTransaction = this.busy.inTransaction;
    if (inTransaction) {
      const rollback = driver.rollbackTransaction.bind(driver);
      driver.rollbackTransaction = async (connection: DatabaseConnection) => {
        if (inTransaction()) await rollback(connection);
      };
    }
    return driver;
  }
}
