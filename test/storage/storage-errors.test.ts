// Storage errors are classified from the real errors the drivers throw (SQLite and PostgreSQL),
// and a transaction's own error survives a failed ROLLBACK.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { classifyStorageError } from '../../src/storage/storage-errors.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/databases.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-storage-errors-'));

/** The error `run` throws (it must throw). */
async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

/** Sets SQLite's page limit just above what the file holds: the next big write fails with SQLITE_FULL. */
async function fillUp(database: Database): Promise<void> {
  const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(database.db);
  await sql.raw(`pragma max_page_count = ${rows[0]!.page_count + 2}`).execute(database.db);
}

if (DIALECTS.includes('sqlite')) {
  describe('storage errors [sqlite]', () => {
    let dir: string;
    let database: Database;
    before(async () => {
      dir = tmp();
      database = openDatabase({ databaseUrl: undefined, dataDir: dir });
      await sql`create table t (b blob)`.execute(database.db);
    });
    after(async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('throws SQLITE_FULL from a transaction on a full database, not the failed ROLLBACK after it', async () => {
      await fillUp(database);
      const error = await caught(() =>
        database.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 20; i++) await sql`insert into t values (randomblob(4000))`.execute(trx);
        }),
      );
      assert.equal((error as { code?: string }).code, 'SQLITE_FULL', String(error));
      assert.deepEqual(classifyStorageError(error), { kind: 'disk_full', code: 'SQLITE_FULL' });
      assert.equal(database.health.problem()?.kind, 'disk_full');
      // Reads still work and do not clear it; a write that commits does.
      await sql`select count(*) from t`.execute(database.db);
      assert.equal(database.health.problem()?.kind, 'disk_full');
      await sql.raw('pragma max_page_count = 1073741823').execute(database.db);
      await database.db.transaction().execute(async (trx) => {
        await sql`insert into t values (randomblob(10))`.execute(trx);
      });
      assert.equal(database.health.problem(), undefined);
    });

    it('classifies a read-only file as read_only', () => {
      const file = path.join(dir, 'leadhook.db');
      const readonly = new SqliteDatabase(file, { readonly: true });
      try {
        const error = (() => {
          try {
            readonly.exec('insert into t values (1)');
          } catch (e) {
            return e;
          }
          assert.fail('expected an error');
        })();
        assert.equal(classifyStorageError(error)?.kind, 'read_only');
        assert.match(classifyStorageError(error)!.code, /^SQLITE_READONLY/);
      } finally {
        readonly.close();
      }
    });

    it('classifies a file that is not a database as corrupt', async () => {
      const other = tmp();
      fs.writeFileSync(path.join(other, 'leadhook.db'), Buffer.alloc(8192, 'not a database '));
      try {
        // Opening sets the WAL pragmas, the first statement to read the file.
        const error = await caught(() => openDatabase({ databaseUrl: undefined, dataDir: other }));
        assert.deepEqual(classifyStorageError(error), { kind: 'corrupt', code: 'SQLITE_NOTADB' });
      } finally {
        fs.rmSync(other, { recursive: true, force: true });
      }
    });

    it('classifies SQLITE_BUSY after the wait, and leaves constraint errors alone', async () => {
      const locker = new SqliteDatabase(path.join(dir, 'leadhook.db'));
      const impatient = new SqliteDatabase(path.join(dir, 'leadhook.db'));
      impatient.pragma('busy_timeout = 0');
      locker.exec('begin immediate');
      try {
        const busy = (() => {
          try {
            impatient.exec('begin immediate');
          } catch (e) {
            return e;
          }
          assert.fail('expected SQLITE_BUSY');
        })();
        assert.equal(classifyStorageError(busy)?.kind, 'busy');
      } finally {
        locker.exec('rollback');
        locker.close();
        impatient.close();
      }
      await sql`create table u (id integer primary key)`.execute(database.db);
      await sql`insert into u values (1)`.execute(database.db);
      const constraint = await caught(() => sql`insert into u values (1)`.execute(database.db));
      assert.match(String((constraint as { code?: string }).code), /^SQLITE_CONSTRAINT/);
      assert.equal(classifyStorageError(constraint), undefined);
      assert.equal(classifyStorageError(new Error('a bug')), undefined);
    });

    it('leaves no -wal file behind after a clean close, even with a second connection open', async () => {
      const other = tmp();
      const first = openDatabase({ databaseUrl: undefined, dataDir: other });
      const second = openDatabase({ databaseUrl: undefined, dataDir: other });
      await sql`create table w (b blob)`.execute(first.db);
      for (let i = 0; i < 50; i++) await sql`insert into w values (randomblob(4000))`.execute(second.db);
      const wal = path.join(other, 'leadhook.db-wal');
      assert.ok(fs.statSync(wal).size > 100_000, 'the WAL grew while both were open');
      await second.close();
      // The first connection is still open, so SQLite itself does not remove the WAL: the checkpoint on close emptied it.
      assert.equal(fs.statSync(wal).size, 0);
      await first.close();
      fs.rmSync(other, { recursive: true, force: true });
    });
  });
}

if (DIALECTS.includes('postgres')) {
  describe('storage errors [postgres]', () => {
    let test: TestDatabase;
    let database: Database;
    before(async () => {
      test = await createTestDatabase('postgres');
      database = openDatabase({ databaseUrl: test.databaseUrl, dataDir: test.dataDir });
      await sql`create table t (id int primary key)`.execute(database.db);
    });
    after(async () => {
      await database.close();
      await test.drop();
    });

    /** Terminates the backend of the connection running `pg_backend_pid()` in `pidQuery`'s transaction. */
    async function terminate(pid: number): Promise<void> {
      const admin = new pg.Client({ connectionString: test.databaseUrl });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
    }

    it('survives a checked-out connection being killed, throws the real error, and serves the next query', async () => {
      const error = await caught(() =>
        database.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await sql`insert into t values (1)`.execute(trx);
          // The backend is killed while a statement runs; waiting after it lets the socket's end
          // arrive, and an 'error' with no listener would kill this process.
          await Promise.all([sql`select pg_sleep(5)`.execute(trx), terminate(rows[0]!.pid)]);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Not "Client has encountered a connection error and is not queryable", which the ROLLBACK after it threw.
      assert.deepEqual(classifyStorageError(error), { kind: 'unreachable', code: '57P01' }, String(error));
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from t`.execute(database.db);
      assert.equal(rows[0]!.n, 0);
      assert.equal(database.health.problem(), undefined, 'the successful query ended the outage');
    });

    it('classifies 57P01 (administrator shutdown), 25006 (read-only) and 53300 (too many connections)', async () => {
      const client = new pg.Client({ connectionString: test.databaseUrl });
      client.on('error', () => {});
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const [terminated] = await Promise.all([caught(() => client.query('select pg_sleep(5)')), terminate(rows[0]!.pid)]);
      assert.deepEqual(classifyStorageError(terminated), { kind: 'unreachable', code: '57P01' });

      const readOnly = await caught(() =>
        database.db.transaction().execute(async (trx) => {
          await sql`set transaction read only`.execute(trx);
          await sql`insert into t values (2)`.execute(trx);
        }),
      );
      assert.deepEqual(classifyStorageError(readOnly), { kind: 'read_only', code: '25006' });

      // Superusers pass connection limits: a throwaway role with none left.
      const role = `leadhook_limit_${process.pid}`;
      await sql.raw(`create role ${role} login connection limit 0`).execute(database.db);
      try {
        const url = new URL(test.databaseUrl!);
        url.username = role;
        const limited = new pg.Client({ connectionString: url.toString() });
        const tooMany = await caught(() => limited.connect());
        await limited.end().catch(() => {});
        assert.deepEqual(classifyStorageError(tooMany), { kind: 'too_many_connections', code: '53300' });
      } finally {
        await sql.raw(`drop role ${role}`).execute(database.db);
      }
      // PostgreSQL's disk full cannot be made on a shared server: the error as pg builds it.
      const diskFull = Object.assign(new pg.DatabaseError('could not extend file "base/1/2": No space left on device', 0, 'error'), { code: '53100' });
      assert.deepEqual(classifyStorageError(diskFull), { kind: 'disk_full', code: '53100' });
      const unique = await caught(() => sql`insert into t values (3), (3)`.execute(database.db));
      assert.equal((unique as { code?: string }).code, '23505');
      assert.equal(classifyStorageError(unique), undefined);
    });

    it('fails fast with a classified error when nothing listens, or a server never answers', async () => {
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as net.AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const refused = openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/x`, dataDir: test.dataDir });
      const error = await caught(() => sql`select 1`.execute(refused.db));
      assert.deepEqual(classifyStorageError(error), { kind: 'unreachable', code: 'ECONNREFUSED' });
      assert.equal(refused.health.problem()?.kind, 'unreachable');
      await refused.close();

      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const hanging = openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${(silent.address() as net.AddressInfo).port}/x`, dataDir: test.dataDir });
      const timedOut = await caught(() => sql`select 1`.execute(hanging.db));
      assert.equal(classifyStorageError(timedOut)?.kind, 'timeout', String(timedOut));
      await hanging.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
  });
}
