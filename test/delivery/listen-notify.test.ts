// The PostgreSQL LISTEN client survives losing its connection: no unhandled 'error' (which would end
// the process), a reconnect with backoff, one log line when the outage starts and one when it ends.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { listenForWork, type Listener } from '../../src/delivery/listen-notify.ts';
import { NOTIFY_CHANNEL } from '../../src/delivery/wakeup.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/databases.ts';
import { until } from '../helpers/until.ts';

if (DIALECTS.includes('postgres')) {
  describe('LISTEN connection [postgres]', () => {
    let database: TestDatabase;
    let admin: pg.Client;
    before(async () => {
      database = await createTestDatabase('postgres');
      admin = new pg.Client({ connectionString: database.databaseUrl });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
      await database.drop();
    });

    /** Ends the LISTEN backend of this database, as a restart of PostgreSQL would. */
    const killListener = async () => {
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query ilike 'LISTEN%'`,
      );
      assert.equal(rowCount, 1);
    };

    it('reconnects by itself after its connection is killed, through failed tries, logging one line per outage', async () => {
      const lines: Array<{ level: number; msg: string }> = [];
      const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
      let notified = 0;
      // After the kill, the next three connection attempts fail (nothing listens on port 9).
      let failNext = 0;
      let clients = 0;
      const url = database.databaseUrl!;
      const listener: Listener = listenForWork(url, () => (notified += 1), logger, {
        retryMs: [10, 20, 40],
        newClient: (connectionString) => {
          clients += 1;
          if (failNext === 0) return new pg.Client({ connectionString });
          failNext -= 1;
          return new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 1_000 });
        },
      });
      try {
        await until(() => notified === 1, 'first LISTEN');
        await admin.query(`select pg_notify('${NOTIFY_CHANNEL}', '')`);
        await until(() => notified === 2, 'a notification');

        failNext = 3;
        await killListener();
        // One notify for the restored connection (work may have come meanwhile), then NOTIFY works again.
        await until(() => notified === 3, 'reconnected');
        await admin.query(`select pg_notify('${NOTIFY_CHANNEL}', '')`);
        await until(() => notified === 4, 'a notification after the reconnect');
        assert.equal(clients, 5, 'the first client, three failed tries, the one that worked');

        const notices = lines.filter((l) => l.level >= 30).map((l) => l.msg);
        assert.deepEqual(notices, ['LISTEN connection lost; reconnecting in the background', 'LISTEN connection restored']);
      } finally {
        await listener.close();
      }
    });
  });
}
