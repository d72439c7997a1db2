// Opens the database named by the configuration: SQLite (WAL) at `<dataDir>/leadhook.db` by
// default, PostgreSQL when DATABASE_URL is set. Both sit behind one Kysely<Schema>, observed by
// StorageHealth (outages logged once, /readyz). See docs/RELIABILITY.md for what survives what.
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, type Dialect as KyselyDialect } from 'kysely';
import type { Logger } from '../shared/logger.ts';
import { observeDialect } from './observed-dialect.ts';
import { PreparingClient } from './prepared-statements.ts';
import type { Schema } from './schema.ts';
import { BACKSTOP_AT_FRAMES, startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts';
import { WalSqliteDialect } from './sqlite-dialect.ts';
import { LockReleases } from './sqlite-lock-releases.ts';
import { withStatementCache } from './statement-cache.ts';
import { createStorageHealth, type StorageHealth } from './storage-health.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** The PostgreSQL connection string, for LISTEN/NOTIFY clients; undefined on SQLite. */
  postgresUrl: string | undefined;
  /** What the statements run so far say about the database (for /readyz). */
  health: StorageHealth;
  /**
   * For long-running processes: SQLite checkpoints its WAL on a thread of its own from now on
   * (sqlite-checkpointer.ts); nothing to do on PostgreSQL.
   */
  checkpointInBackground(): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Where outages are logged (one line when one starts, one when it ends); none when omitted. */
  logger?: Logger | undefined;
}

/** How long a request waits for a PostgreSQL connection before failing (then the API answers 503). */
export const PG_CONNECT_TIMEOUT_MS = 3_000;

export function openDatabase(options: DatabaseOptions): Database {
  const health = createStorageHealth(options.logger);
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10, health) : openSqlite(options.dataDir, health, options.logger);
}

function kysely(dialect: KyselyDialect, health: StorageHealth): Kysely<Schema> {
  return new Kysely<Schema>({ dialect: observeDialect(dialect, health) });
}

// int8 (bigint) columns hold millisecond times, well inside Number's exact range.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

function openPostgres(url: string, max: number, health: StorageHealth): Database {
  const pool = new pg.Pool({ Client: PreparingClient, connectionString: url, max, types: pgTypes, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS, keepAlive: true });
  // A client losing its connection emits 'error'; with no listener that kills the process. The
  // pool listens only while a client is idle, so every client gets its own listener for its whole
  // life, checked out or not. The query in flight fails on its own; a dead client is not reused.
  pool.on('connect', (client) => client.on('error', (error) => health.failed(error)));
  pool.on('error', (error) => health.failed(error));
  const db = kysely(new PostgresDialect({ pool }), health);
  return { db, dialect: 'postgres', postgresUrl: url, health, checkpointInBackground: () => {}, close: () => db.destroy() };
}

/** What a WAL file is truncated to when it starts over after growing past it (sqlite-checkpointer.ts). */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

function openSqlite(dataDir: string, health: StorageHealth, logger: Logger | undefined): Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'leadhook.db');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Other connections (the delivery thread, the CLI) write the same file: waiting for the lock is
  // done without blocking by WalSqliteDialect, so SQLite itself must not wait.
  sqlite.pragma('busy_timeout = 0');
  // Not inside a COMMIT on this thread unless the checkpoint thread fell far behind: see sqlite-checkpointer.ts.
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AT_FRAMES}`);
  sqlite.pragma('foreign_keys = OFF');
  // Statement journals in memory: the group commit gives every request a savepoint, so each page a
  // request changes is first copied to the statement journal, which SQLite spills to a temporary
  // file past 64 KiB — a file created, written and deleted dozens of times a second under load.
  // In memory: API thread CPU per new lead 548–574 → 364–398 µs, bytes written 351 → 98 KB
  // (docs/BENCHMARKS.md). The journal lives only as long as its transaction.
  sqlite.pragma('temp_store = MEMORY');
  // A WAL that grew while a long reader held it back is cut back to this size when it starts over.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const releases = new LockReleases(file);
  const dialect = new WalSqliteDialect({ database: withStatementCache(sqlite) }, { busyTimeoutMs: 5000, inTransaction: () => sqlite.inTransaction, releases });
  const db = kysely(dialect, health);
  let checkpointer: Checkpointer | undefined;
  const checkpointInBackground = () => {
    checkpointer ??= startCheckpointer(file, logger);
  };
  const close = async () => {
    await checkpointer?.stop();
    await dialect.flush();
    checkpointBeforeClose(sqlite, logger);
    await db.destroy();
    releases.close();
  };
  return { db, dialect: 'sqlite', postgresUrl: undefined, health, checkpointInBackground, close };
}

/**
 * Folds the WAL into the database file and truncates it, so a clean stop leaves no `-wal` behind
 * to grow (SQLite does this on close only for the last connection, and only if it gets the lock).
 * Waiting here is fine: the process is stopping.
 */
function checkpointBeforeClose(sqlite: SqliteDatabase.Database, logger: Logger | undefined): void {
  if (!sqlite.open) return;
  try {
    sqlite.pragma('busy_timeout = 2000');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    logger?.warn({ err: error }, 'could not checkpoint the SQLite WAL before closing');
  }
}
