// Opens the database named by the configuration: SQLite (WAL) at `<dataDir>/leadhook.db` by
// default, PostgreSQL when DATABASE_URL is set. Both sit behind one Kysely<Schema>.
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Schema } from './schema.ts';
import { WalSqliteDialect } from './sqlite-dialect.ts';
import { withStatementCache } from './statement-cache.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** The PostgreSQL connection string, for LISTEN/NOTIFY clients; undefined on SQLite. */
  postgresUrl: string | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export function openDatabase(options: DatabaseOptions): Database {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openSqlite(options.dataDir);
}

// int8 (bigint) columns hold millisecond times, well inside Number's exact range.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
};

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', postgresUrl: url, close: () => db.destroy() };
}

function openSqlite(dataDir: string): Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'leadhook.db');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Other connections (the delivery thread, the CLI) write the same file: waiting for the lock is
  // done without blocking by WalSqliteDialect, so SQLite itself must not wait.
  sqlite.pragma('busy_timeout = 0');
  sqlite.pragma('foreign_keys = OFF');
  const db = new Kysely<Schema>({ dialect: new WalSqliteDialect({ database: withStatementCache(sqlite) }, { busyTimeoutMs: 5000 }) });
  return { db, dialect: 'sqlite', postgresUrl: undefined, close: () => db.destroy() };
}
