import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { WalSqliteDialect } from '../../src/storage/sqlite-dialect.ts';

interface Tables {
  t: { id: string };
}

describe('SQLite group commit', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-group-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  /**
   * A Kysely on a fresh file that counts its COMMITs, and a second connection to look from outside.
   * No age limit on a group unless asked: a loaded machine can take the default 5 ms between a
   * group's BEGIN and its first member's end, and the group would then rightly commit at once,
   * which is not what these tests are about.
   */
  function open(options: { maxMembers?: number; maxAgeMs?: number } = {}) {
    const file = path.join(dir, `db-${++n}.sqlite`);
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table t (id text primary key)');
    let commits = 0;
    const counting = {
      prepare(text: string) {
        if (/^\s*commit\s*$/i.test(text)) commits += 1;
        return sqlite.prepare(text);
      },
      close: () => sqlite.close(),
    };
    const db = new Kysely<Tables>({
      dialect: new WalSqliteDialect({ database: counting as never }, { busyTimeoutMs: 1000, inTransaction: () => sqlite.inTransaction, maxAgeMs: 60_000, ...options }),
    });
    const outside = new SqliteDatabase(file, { readonly: true });
    const seenOutside = (id: string) => outside.prepare('select 1 from t where id = ?').get(id) !== undefined;
    return { db, commits: () => commits, seenOutside, close: async () => (outside.close(), await db.destroy()) };
  }

  /** A transaction inserting `id` that reports whether another connection saw the row the moment it returned. */
  const insert = (h: ReturnType<typeof open>, id: string) =>
    h.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ id }).execute();
      })
      .then(() => h.seenOutside(id));

  it('commits alone when nobody waits, and shares one commit among transactions that arrive together, each answered only once committed', async () => {
    const h = open();
    assert.equal(await insert(h, 'alone'), true);
    assert.equal(h.commits(), 1);

    const ids = Array.from({ length: 20 }, (_, i) => `together-${i}`);
    const committedWhenAnswered = await Promise.all(ids.map((id) => insert(h, id)));
    assert.deepEqual(committedWhenAnswered, ids.map(() => true), 'every caller answered after its row was committed');
    assert.ok(h.commits() - 1 < 20 && h.commits() - 1 >= 1, `fewer commits than transactions (${h.commits() - 1})`);
    await h.close();
  });

  it('lets a transaction that arrives in the same turn of the event loop join before committing', async () => {
    const h = open();
    // The second transaction starts from a callback queued while the first runs, as a request whose
    // bytes arrived meanwhile would: nobody waits yet when the first one finishes.
    let second: Promise<boolean> | undefined;
    const first = h.db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 'first' }).execute();
      setImmediate(() => {
        second = insert(h, 'second');
      });
    });
    await first;
    assert.equal(h.seenOutside('first'), true, 'answered once committed');
    assert.equal(await second, true);
    assert.equal(h.commits(), 1, 'one COMMIT for both');
    await h.close();
  });

  it('bounds a group by maxMembers', async () => {
    const h = open({ maxMembers: 4 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => insert(h, `m-${i}`)));
    assert.ok(h.commits() >= 5, `at most 4 transactions per commit (${h.commits()} commits)`);
    await h.close();
  });

  it('rolls back a failing transaction alone; the others in its group are committed', async () => {
    const h = open();
    const failing = h.db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 'bad' }).execute();
      throw new Error('validation failed');
    });
    const results = await Promise.allSettled([insert(h, 'good-1'), failing, insert(h, 'good-2')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /validation failed/);
    assert.deepEqual([h.seenOutside('good-1'), h.seenOutside('bad'), h.seenOutside('good-2')], [true, false, true]);
    await h.close();
  });

  it('fails every member when the group transaction is lost, never answering one as saved', async () => {
    const h = open();
    const first = insert(h, 'lost-with-the-group');
    // Queued behind the first while its group is open: ends the outer transaction from inside.
    const breaker = h.db.transaction().execute(async (trx) => {
      await sql`rollback`.execute(trx);
    });
    const [firstResult, breakerResult] = await Promise.allSettled([first, breaker]);
    assert.equal(breakerResult.status, 'rejected');
    assert.equal(firstResult.status, 'rejected', 'the first member was not saved, so it must not succeed');
    assert.equal(h.seenOutside('lost-with-the-group'), false);
    // The connection is usable again afterwards.
    assert.equal(await insert(h, 'after'), true);
    await h.close();
  });
});
