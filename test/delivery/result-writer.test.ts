import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { FLUSH_BATCH, FLUSH_DELAY_MS, ResultWriter } from '../../src/delivery/worker/result-writer.ts';
import type { DeliveryStore } from '../../src/delivery/store/delivery-store.ts';
import type { FinishedAttempt } from '../../src/delivery/store/results.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';

let n = 0;
const attempt = (): FinishedAttempt => {
  n += 1;
  return { delivery: { id: `d${n}`, lease_token: 't', lease_until: Date.now() + 60_000 }, next: { status: 'succeeded' }, holdsLead: false } as unknown as FinishedAttempt;
};

/** A store whose result writes finish only when the test says so; it records each batch's size. */
function slowStore() {
  const batches: number[] = [];
  const waiting: Array<() => void> = [];
  const store = {
    recordResults: (finished: readonly FinishedAttempt[]) =>
      new Promise((resolve) => {
        batches.push(finished.length);
        waiting.push(() => resolve({ recorded: [...finished], emails: [] }));
      }),
    recordHealth: async () => [],
    release: async () => {},
    extendLeases: async () => {},
  } as unknown as DeliveryStore;
  return { store, batches, finishWrite: () => waiting.shift()?.() };
}

const writerOn = (store: DeliveryStore) =>
  new ResultWriter({ store, clock: systemClock, logger: createLogger('silent'), leaseMs: 60_000, autoDisableAfterS: 0, errorEmailIntervalS: 0, sendEmails: async () => {}, onReleased: () => {}, onLeadFreed: () => {} });

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** With timers mocked: a writer whose first pass, started by its timer, is writing one result now. */
async function firstPassWriting(run: (pass: ReturnType<typeof slowStore> & { writer: ResultWriter }) => Promise<void>): Promise<void> {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const slow = slowStore();
    const writer = writerOn(slow.store);
    writer.add(attempt());
    mock.timers.tick(FLUSH_DELAY_MS);
    await settle();
    assert.deepEqual(slow.batches, [1]);
    await run({ ...slow, writer });
  } finally {
    mock.timers.reset();
  }
}

describe('result writer', () => {
  it('writes results that arrived during a pass in the next pass, a batch delay later, not at once', () =>
    firstPassWriting(async ({ writer, batches, finishWrite }) => {
      for (let i = 0; i < 5; i++) writer.add(attempt()); // arrive while the first pass writes
      finishWrite();
      await settle();
      assert.deepEqual(batches, [1], 'the second pass waits for the batch delay');
      mock.timers.tick(FLUSH_DELAY_MS);
      await settle();
      assert.deepEqual(batches, [1, 5]);
      finishWrite();
      await settle();
      assert.equal(writer.pending, 0);
    }));

  it('starts the next pass at once when a whole batch piled up during one', () =>
    firstPassWriting(async ({ writer, batches, finishWrite }) => {
      for (let i = 0; i < FLUSH_BATCH + 3; i++) writer.add(attempt());
      finishWrite();
      await settle();
      assert.deepEqual(batches, [1, FLUSH_BATCH]);
      finishWrite();
      await settle();
      assert.deepEqual(batches, [1, FLUSH_BATCH], 'the remaining 3 wait for the batch delay');
      mock.timers.tick(FLUSH_DELAY_MS);
      await settle();
      assert.deepEqual(batches, [1, FLUSH_BATCH, 3]);
      finishWrite();
      await settle();
    }));

  it('flush() writes pass after pass until nothing is left, results that arrive meanwhile included', async () => {
    const { store, batches, finishWrite } = slowStore();
    const writer = writerOn(store);
    writer.add(attempt());
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await settle();
    writer.add(attempt());
    writer.add(attempt());
    finishWrite();
    await settle();
    assert.deepEqual(batches, [1, 2], 'no batch delay while flushing');
    assert.equal(flushed, false);
    finishWrite();
    await flushing;
    assert.equal(writer.pending, 0);
  });

  it('flush() called while a timer-started pass ends, at any point of its ending, resolves only when nothing is left', async () => {
    for (let turns = 0; turns < 12; turns++) {
      await firstPassWriting(async ({ writer, batches, finishWrite }) => {
        writer.add(attempt()); // arrives during the first pass, which will leave it for the timer
        finishWrite();
        for (let i = 0; i < turns; i++) await Promise.resolve();
        let flushed = false;
        const flushing = writer.flush().then(() => (flushed = true));
        await settle();
        assert.deepEqual(batches, [1, 1], `after ${turns} turns: the flush writes the one left`);
        assert.equal(flushed, false);
        finishWrite();
        await flushing;
        assert.equal(writer.pending, 0);
      });
    }
  });
});
