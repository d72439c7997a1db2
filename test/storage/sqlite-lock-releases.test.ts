// A statement refused with SQLITE_BUSY waits for the other connection of this process to end its
// write transaction (sqlite-lock-releases.ts), not only for a fixed delay.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { WalSqliteDialect } from '../../src/storage/sqlite-dialect.ts';
import { LockReleases } from '../../src/storage/sqlite-lock-releases.ts';

interface Tables {
  t: { id: string };
}

describe('SQLite lock releases', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-releases-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A connection as database.ts opens one, whose waits are recorded. */
  function connect(file: string) {
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 0');
    const releases = new LockReleases(file);
    const state = { waits: [] as string[], waiting: false };
    const next = releases.next.bind(releases);
    releases.next = async (ms) => {
      state.waiting = true;
      const how = await next(ms);
      state.waits.push(how);
      return how;
    };
    // Waits of 5 s: a retry that comes sooner can only have been woken by the other connection.
    const db = new Kysely<Tables>({
      dialect: new WalSqliteDialect({ database: sqlite }, { busyTimeoutMs: 60_000, inTransaction: () => sqlite.inTransaction, releases, retryDelaysMs: [5_000] }),
    });
    return Object.assign(state, { db, close: async () => (await db.destroy(), releases.close()) });
  }

  it("retries a refused statement when the other connection commits, and the other's rollback wakes it too", async () => {
    const file = path.join(dir, 'two.sqlite');
    new SqliteDatabase(file).exec('pragma journal_mode = wal; create table t (id text primary key)').close();
    const holder = connect(file);
    const waiter = connect(file);
    try {
      for (const end of ['commit', 'rollback'] as const) {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const holding = new Promise<void>((resolve) => (locked = resolve));
        const held = holder.db
          .transaction()
          .execute(async (trx) => {
            await trx.insertInto('t').values({ id: `held-${end}` }).execute();
            locked();
            await gate;
            if (end === 'rollback') throw new Error('rolled back on purpose');
          })
          .catch((error: Error) => assert.equal(error.message, 'rolled back on purpose'));
        await holding;
        waiter.waits.length = 0;
        waiter.waiting = false;
        const waiting = waiter.db.insertInto('t').values({ id: `waited-${end}` }).execute();
        // The waiter is refused and waits while the lock is held.
        while (!waiter.waiting) await new Promise((resolve) => setTimeout(resolve, 5));
        release();
        await held;
        await waiting;
        assert.deepEqual(waiter.waits, ['released'], `its one wait ended at the ${end}, not at its 5 s timeout`);
      }
      const rows = await waiter.db.selectFrom('t').select('id').orderBy('id').execute();
      assert.deepEqual(rows.map((r) => r.id), ['held-commit', 'waited-commit', 'waited-rollback']);
    } finally {
      await holder.close();
      await waiter.close();
    }
  });

  it('is woken only by connections to the same file', async () => {
    const mine = new LockReleases(path.join(dir, 'a.sqlite'));
    const sameFile = new LockReleases(path.join(dir, 'a.sqlite'));
    const otherFile = new LockReleases(path.join(dir, 'b.sqlite'));
    try {
      const fromOther = mine.next(200);
      otherFile.released();
      mine.released(); // its own release does not wake it either
      assert.equal(await fromOther, 'timeout');
      const fromSame = mine.next(10_000);
      sameFile.released();
      assert.equal(await fromSame, 'released');
    } finally {
      for (const r of [mine, sameFile, otherFile]) r.close();
    }
  });
});
