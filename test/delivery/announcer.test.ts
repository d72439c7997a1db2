import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createDeliveryStore } from '../../src/delivery/store/delivery-store.ts';
import { registerWorker } from '../../src/delivery/store/workers.ts';
import { Announcer, LISTENERS_RECHECK_MS, listenersElsewhere, NOTIFY_CHANNEL, WakeSignal } from '../../src/delivery/wakeup.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useOpenedDatabase } from '../helpers/opened-database.ts';
import { migrate } from '../../src/storage/migrate.ts';

describe('Announcer (the NOTIFY after commit)', () => {
  it('keeps one announcement in flight; pokes made meanwhile share one later announcement that starts after them', async () => {
    const sends: Array<() => void> = [];
    const started: number[] = [];
    let pokes = 0;
    const announcer = new Announcer(() => {
      started.push(pokes);
      return new Promise<void>((resolve) => sends.push(resolve));
    });

    pokes += 1;
    const first = announcer.poke();
    assert.equal(sends.length, 1, 'the first poke sends at once');
    let firstDone = false;
    void first.then(() => (firstDone = true));

    pokes += 1;
    const second = announcer.poke();
    pokes += 1;
    const third = announcer.poke();
    let laterDone = false;
    void Promise.all([second, third]).then(() => (laterDone = true));
    assert.equal(sends.length, 1, 'nothing more while one is in flight');

    sends[0]!();
    await first;
    assert.equal(firstDone, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(laterDone, false, 'the pokes made during the first send wait for a send that starts after them');
    assert.equal(sends.length, 2, 'one send covers both later pokes');
    assert.deepEqual(started, [1, 3]);

    sends[1]!();
    await Promise.all([second, third]);
    assert.equal(laterDone, true);
  });

  it('treats a failed announcement as sent: it is only a wake-up hint', async () => {
    let tries = 0;
    const announcer = new Announcer(() => {
      tries += 1;
      return Promise.reject(new Error('connection lost'));
    });
    assert.equal(await announcer.poke(), undefined);
    assert.equal(await announcer.poke(), undefined, 'resolves, so a caller waiting for the wake-up is never failed by it');
    assert.equal(tries, 2, 'and the next poke tries again');
  });
});

describe('listenersElsewhere (whether a NOTIFY could wake anyone)', () => {
  it('asks at most once per recheck interval, and again after it', async () => {
    let now = 1_000;
    const answers = [false, true];
    let asked = 0;
    const listening = listenersElsewhere(async () => answers[asked++]!, () => now);
    assert.equal(await listening(), false);
    now += LISTENERS_RECHECK_MS - 1;
    assert.equal(await listening(), false, 'the answer is kept within the interval');
    assert.equal(asked, 1);
    now += 1;
    assert.equal(await listening(), true, 'and asked again once it passed');
    assert.equal(asked, 2);
  });

  it('answers yes when the question fails: a NOTIFY too many is harmless', async () => {
    const listening = listenersElsewhere(() => Promise.reject(new Error('connection lost')));
    assert.equal(await listening(), true);
  });
});

if (DIALECTS.includes('postgres')) {
  describe('the NOTIFY after commit goes out only while a worker of another process is registered [postgres]', () => {
    const database = useOpenedDatabase('postgres');

    /**
     * What a LISTEN connection hears from `announce()`: a marker NOTIFY is sent after it, and
     * notifications arrive in commit order, so whatever came before the marker came from announce().
     */
    async function heardFrom(announce: () => Promise<void>): Promise<string[]> {
      const listener = new pg.Client({ connectionString: database().postgresUrl });
      await listener.connect();
      try {
        const heard: string[] = [];
        let marked!: () => void;
        const marker = new Promise<void>((resolve) => (marked = resolve));
        listener.on('notification', (message) => (message.payload === 'marker' ? marked() : heard.push(message.payload ?? '')));
        await listener.query(`listen ${NOTIFY_CHANNEL}`);
        await announce();
        await listener.query(`select pg_notify('${NOTIFY_CHANNEL}', 'marker')`);
        await marker;
        return heard;
      } finally {
        await listener.end();
      }
    }

    // A fresh store each time: its answer is kept for LISTENERS_RECHECK_MS.
    const announceWithFreshStore = () => createDeliveryStore(database(), new WakeSignal()).announce();

    it('sends none with no worker registered, or only workers of this process', async () => {
      await migrate(database());
      assert.deepEqual(await heardFrom(announceWithFreshStore), []);
      await registerWorker(database().db, { id: 'here', host: hostname(), pid: process.pid }, Date.now());
      assert.deepEqual(await heardFrom(announceWithFreshStore), []);
    });

    it('sends one once a worker of another process (here: another pid) is registered', async () => {
      await registerWorker(database().db, { id: 'elsewhere', host: hostname(), pid: process.pid + 1 }, Date.now());
      assert.deepEqual(await heardFrom(announceWithFreshStore), ['']);
    });

    it('sends one for a worker on another host, whatever its pid', async () => {
      await database().db.deleteFrom('delivery_workers').where('id', '=', 'elsewhere').execute();
      await registerWorker(database().db, { id: 'other-host', host: `${hostname()}-other`, pid: process.pid }, Date.now());
      assert.deepEqual(await heardFrom(announceWithFreshStore), ['']);
    });
  });
}
