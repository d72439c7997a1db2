// WAL checkpoints leave the threads that commit (src/storage/sqlite-checkpointer.ts): leadhook's
// connections checkpoint inside a COMMIT only past a 16 MiB backstop, a long-running process
// copies the WAL into the database file from a thread of its own, and closing still leaves no WAL
// behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { BACKSTOP_AT_FRAMES, CHECKPOINT_EVERY_MS, RESTART_AT_FRAMES } from '../../src/storage/sqlite-checkpointer.ts';

const ROWS = 400;
const ROW_BYTES = 8 * 1024;
/** What the rows take in the database file once copied there. */
const COPIED_BYTES = ROWS * ROW_BYTES;
const PAGE_BYTES = 4096;
/** A WAL frame: a page and its 24-byte header. */
const FRAME_BYTES = PAGE_BYTES + 24;

describe('SQLite WAL checkpoints', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-checkpoint-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  let n = 0;
  async function openWithRows(): Promise<{ database: Database; file: string }> {
    const dataDir = path.join(root, `db-${++n}`);
    const database = openDatabase({ databaseUrl: undefined, dataDir });
    await sql`create table t (id integer primary key, body blob)`.execute(database.db);
    return { database, file: path.join(dataDir, 'leadhook.db') };
  }

  async function writeRows(database: Database): Promise<void> {
    const body = Buffer.alloc(ROW_BYTES, 7);
    for (let i = 0; i < ROWS; i++) await sql`insert into t (body) values (${body})`.execute(database.db);
  }

  const size = (file: string) => fs.statSync(file).size;

  /** The rows a copy of the database file holds without its WAL: what checkpoints copied there. */
  function rowsInFileAlone(file: string): number {
    const copy = `${file}.copy-${++n}`;
    fs.copyFileSync(file, copy);
    try {
      const alone = new SqliteDatabase(copy, { readonly: true });
      try {
        return (alone.prepare('select count(*) as n from t').get() as { n: number }).n;
      } finally {
        alone.close();
      }
    } catch (error) {
      if (/no such table/.test(String(error))) return 0; // not even the table's creation was copied
      return -1; // caught halfway through a checkpoint
    } finally {
      fs.rmSync(copy, { force: true });
    }
  }

  /** Writes `rows` rows of one page each back to back; returns the largest the WAL file grew. */
  async function writePages(database: Database, file: string, rows: number): Promise<number> {
    const body = Buffer.alloc(PAGE_BYTES, 7);
    let largest = 0;
    for (let i = 1; i <= rows; i++) {
      await sql`insert into t (body) values (${body})`.execute(database.db);
      if (i % 64 === 0) largest = Math.max(largest, size(`${file}-wal`));
    }
    return largest;
  }

  it('never checkpoints inside a commit below the backstop: the rows stay in the WAL without the background thread', async () => {
    assert.ok(COPIED_BYTES < (BACKSTOP_AT_FRAMES * PAGE_BYTES) / 2, 'the rows stay well below the backstop');
    const { database, file } = await openWithRows();
    try {
      const [setting] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db)).rows;
      assert.equal(setting?.wal_autocheckpoint, BACKSTOP_AT_FRAMES);
      // Statement journals (one per request's savepoint in a group commit) stay in memory.
      const [store] = (await sql<{ temp_store: number }>`pragma temp_store`.execute(database.db)).rows;
      assert.equal(store?.temp_store, 2);
      await writeRows(database);
      await sleep(3 * CHECKPOINT_EVERY_MS);
      assert.equal(rowsInFileAlone(file), 0, 'nothing was checkpointed');
      assert.ok(size(`${file}-wal`) >= COPIED_BYTES, `WAL ${size(`${file}-wal`)} bytes`);
    } finally {
      await database.close();
    }
    assert.ok(size(file) >= COPIED_BYTES, 'close folds the WAL into the database file');
    assert.equal(fs.existsSync(`${file}-wal`) ? size(`${file}-wal`) : 0, 0, 'and leaves no WAL behind');
  });

  it('copies the WAL into the database file from its own thread, and the WAL starts over', async () => {
    const { database, file } = await openWithRows();
    database.checkpointInBackground();
    try {
      await writeRows(database);
      const walAfterFirst = size(`${file}-wal`);
      for (let waited = 0; rowsInFileAlone(file) < ROWS && waited < 10_000; waited += 50) await sleep(50);
      assert.equal(rowsInFileAlone(file), ROWS, 'the database file alone holds every row within 10 s');
      await sleep(2 * CHECKPOINT_EVERY_MS); // the checkpoint that copied them marks the WAL as copied
      // With every frame copied, the next writer starts the WAL from its beginning: writing the
      // rows again overwrites the same frames instead of growing the WAL to twice their size.
      await writeRows(database);
      assert.ok(size(`${file}-wal`) < 1.5 * walAfterFirst, `WAL ${size(`${file}-wal`)} bytes, ${walAfterFirst} after the first rows`);
      const [count] = (await sql<{ n: number }>`select count(*) as n from t`.execute(database.db)).rows;
      assert.equal(count?.n, 2 * ROWS);
    } finally {
      await database.close();
    }
    assert.equal(fs.existsSync(`${file}-wal`) ? size(`${file}-wal`) : 0, 0, 'close stops the thread and truncates the WAL');
  });

  it('keeps the WAL bounded while writes never pause', async () => {
    const { database, file } = await openWithRows();
    database.checkpointInBackground();
    // 64 MiB of rows written back to back: a passive checkpoint alone never finds the WAL all
    // copied when the next commit starts, so the WAL would grow to hold every one of them.
    const rows = 16 * 1024;
    const written = rows * PAGE_BYTES;
    try {
      const largest = await writePages(database, file, rows);
      assert.ok(largest > RESTART_AT_FRAMES * PAGE_BYTES, `the WAL reached ${largest} bytes: enough to start over`);
      assert.ok(largest < written / 2, `the WAL reached ${largest} bytes of the ${written} written`);
      const [count] = (await sql<{ n: number }>`select count(*) as n from t`.execute(database.db)).rows;
      assert.equal(count?.n, rows);
    } finally {
      await database.close();
    }
  });

  it('past the backstop the committing connection checkpoints, with no background thread at all', async () => {
    const { database, file } = await openWithRows();
    // 1.5 times the backstop, back to back; each row takes a page of its own and one of the table.
    const rows = (3 * BACKSTOP_AT_FRAMES) / 4;
    try {
      const largest = await writePages(database, file, rows);
      assert.ok(rowsInFileAlone(file) > 0, 'some rows were copied into the database file');
      // The commit that crosses the backstop copies the WAL, and the next one starts it over.
      const bound = (BACKSTOP_AT_FRAMES + 64 * 2 + 8) * FRAME_BYTES;
      assert.ok(largest <= bound, `the WAL reached ${largest} bytes; at most ${bound} expected`);
      const [count] = (await sql<{ n: number }>`select count(*) as n from t`.execute(database.db)).rows;
      assert.equal(count?.n, rows);
    } finally {
      await database.close();
    }
  });
});
