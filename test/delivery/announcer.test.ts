import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Announcer } from '../../src/delivery/wakeup.ts';

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
