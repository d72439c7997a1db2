// Several connections write one SQLite file (API thread, delivery thread, CLI). Waiting for the
// write lock must neither fail nor freeze the event loop.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { WalSqliteDialect } from '../../src/storage/sqlite-dialect.ts';

const require = createRequire(import.meta.url);

describe('SQLite with several writers', () => {
  let dir: string;
  let database: Database;
  let other: SqliteDatabase.Database;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-locking-'));
    database = openDatabase({ databaseUrl: undefined, dataDir: dir });
    await sql`create table t (n integer)`.execute(database.db);
    other = new SqliteDatabase(path.join(dir, 'leadhook.db'));
  });

  after(async () => {
    other.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits for another connection to release the write lock, keeping the event loop free', async () => {
    // The other writer is another thread, as the delivery worker is: it takes the lock, holds it
    // for 120 ms, then commits.
    const holder = new Worker(
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
       const { parentPort, workerData } = require('node:worker_threads');
       const db = new Database(workerData.file);
       db.exec('begin immediate'); db.exec('insert into t values (1)');
       parentPort.postMessage('locked');
       setTimeout(() => { db.exec('commit'); db.close(); }, 120);`,
      { eval: true, workerData: { file: path.join(dir, 'leadhook.db') } },
    );
    const exited = once(holder, 'exit');
    await once(holder, 'message');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    const started = Date.now();
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into t values (2)`.execute(trx);
    });
    const waited = Date.now() - started;
    clearInterval(ticker);
    await exited;
    assert.ok(waited >= 80, `the insert waited for the lock (${waited} ms)`);
    assert.ok(ticks >= 8, `timers kept firing while it waited (${ticks} ticks in ${waited} ms)`);
    const rows = await sql<{ n: number }>`select n from t order by n`.execute(database.db);
    assert.deepEqual(rows.rows.map((r) => r.n), [1, 2]);
  });

  it('gives up with SQLITE_BUSY once the busy timeout has passed', async () => {
    const sqlite = new SqliteDatabase(path.join(dir, 'leadhook.db'));
    sqlite.pragma('busy_timeout = 0');
    const impatient = new Kysely<Record<string, never>>({ dialect: new WalSqliteDialect({ database: sqlite }, { busyTimeoutMs: 60, inTransaction: () => sqlite.inTransaction }) });
    other.exec('begin immediate');
    try {
      const started = Date.now();
      await assert.rejects(sql`insert into t values (3)`.execute(impatient), (error: { code?: string }) => error.code === 'SQLITE_BUSY');
      assert.ok(Date.now() - started >= 60);
    } finally {
      other.exec('rollback');
      await impatient.destroy();
    }
  });
});
