// When a running worker claims by itself, with no signal and no poll: a delivery that falls due
// while a round runs, or after due deliveries of a webhook it cannot claim, is claimed when it falls
// due. The worker here never polls; each test first lets the rounds of its start end (on PostgreSQL
// also the one its LISTEN connection asks for), then wakes it once by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryStore } from '../../src/delivery/store/delivery-store.ts';
import { MIN_DUE_WAIT_MS } from '../../src/delivery/worker.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { until } from '../helpers/until.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter } from '../helpers/webhooks.ts';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`worker wake-ups [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter, clockStart: START });

    /** A webhook with one delivery, due at `dueAt` (ms). */
    async function deliveryDueAt(receiver: Receiver, dueAt: number): Promise<{ webhookId: string; setDue(at: number): Promise<void> }> {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), events: ['lead:created'] });
      await createLead(acct);
      const setDue = async (at: number) => {
        await h().ctx.db.updateTable('deliveries').set({ next_attempt_at: at }).where('webhook_id', '=', hook._id).execute();
      };
      await setDue(dueAt);
      return { webhookId: hook._id, setDue };
    }

    /**
     * A started worker that never polls, once the rounds of its start have ended. `looked` counts the
     * rounds that looked for due work (`onLook` runs then); `endedAfterLook` is the `looked` of the
     * last round that ended waiting (asking when the next delivery falls due).
     */
    async function idleWorker(onLook: () => void = () => {}) {
      const counts = { looked: 0, endedAfterLook: 0 };
      const worker = h().ctx.createWorker({
        pollIntervalMs: 10 * HOUR,
        wrapStore: (store): DeliveryStore => ({
          ...store,
          async webhooksWithDueWork(now) {
            counts.looked += 1;
            const due = await store.webhooksWithDueWork(now);
            onLook();
            return due;
          },
          async nextDueAt(now, after) {
            const looked = counts.looked;
            const at = await store.nextDueAt(now, after);
            counts.endedAfterLook = looked;
            return at;
          },
        }),
      });
      await worker.start();
      // On PostgreSQL the LISTEN connection, once up, asks for a second round.
      const rounds = dialect === 'postgres' ? 2 : 1;
      await until(() => counts.endedAfterLook >= rounds, 'the rounds of the start ended', 10_000);
      return { worker, counts };
    }

    it('claims at once a delivery that fell due while a round was running', async () => {
      const receiver = await startReceiver();
      const start = h().clock.now().getTime();
      const due = await deliveryDueAt(receiver, start + HOUR);
      let slowRound = false;
      // The armed round takes 100 ms of the clock after it looked for due work.
      const { worker } = await idleWorker(() => {
        if (slowRound) h().clock.advance(100);
        slowRound = false;
      });
      try {
        await due.setDue(start + 50);
        slowRound = true;
        h().ctx.wake.wake();
        await receiver.waitFor(1, 5_000);
      } finally {
        await worker.stop(0);
        await receiver.close();
      }
      assert.equal(receiver.requests.length, 1);
    });

    it('wakes for a delivery falling due later while due deliveries of a webhook another worker paused wait', async () => {
      const paused = await startReceiver();
      const later = await startReceiver();
      const now = h().clock.now().getTime();
      const pausedHook = await deliveryDueAt(paused, now);
      // Paused in the database only, as by another worker: this one has no timer for its end.
      await h().ctx.db.updateTable('webhooks').set({ paused_until: now + HOUR }).where('id', '=', pausedHook.webhookId).execute();
      const due = await deliveryDueAt(later, now + HOUR);
      const { worker, counts } = await idleWorker();
      try {
        await due.setDue(now + 100);
        const looked = counts.looked;
        h().ctx.wake.wake();
        await until(() => counts.endedAfterLook > looked, 'the round woken by hand ended', 10_000);
        assert.equal(later.requests.length, 0, 'not due yet when that round looked');
        h().clock.advance(200);
        await later.waitFor(1, 5_000);
      } finally {
        await worker.stop(0);
        await paused.close();
        await later.close();
      }
      assert.equal(paused.requests.length, 0, 'the paused webhook waits for its pause end');
    });

    it('waits at least MIN_DUE_WAIT_MS for the next due delivery, so deliveries due a millisecond apart do not start a round each', async () => {
      const receiver = await startReceiver();
      const due = await deliveryDueAt(receiver, h().clock.now().getTime() + HOUR);
      const { worker, counts } = await idleWorker();
      try {
        // The clock stands still: the delivery stays 1 ms from due, and only the wait paces the rounds.
        await due.setDue(h().clock.now().getTime() + 1);
        const looked = counts.looked;
        const since = performance.now();
        h().ctx.wake.wake();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const rounds = counts.looked - looked;
        const elapsed = performance.now() - since;
        assert.ok(rounds >= 2, `the worker kept waking for the delivery (${rounds} rounds)`);
        // One round for the wake, then one per wait at most (a timer may fire a millisecond early).
        assert.ok(rounds <= 2 + Math.ceil(elapsed / (MIN_DUE_WAIT_MS - 2)), `${rounds} rounds in ${Math.round(elapsed)} ms`);
      } finally {
        await worker.stop(0);
        await receiver.close();
      }
      assert.equal(receiver.requests.length, 0);
    });
  });
}
