// A worker that was paused (SIGSTOP) or cut off past the stale period may have been declared dead
// and its claims sent by others: it starts nothing until a heartbeat confirms it (presence.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { LocalQueues, type Queued } from '../../src/delivery/local-queues.ts';
import type { DeliveryStore } from '../../src/delivery/store/delivery-store.ts';
import { Dispatcher } from '../../src/delivery/worker/dispatcher.ts';
import { CONFIRMED_WITHIN_MS, Presence } from '../../src/delivery/worker/presence.ts';

const logger = createLogger('silent');

function fakeStore(registered: { value: boolean }) {
  return {
    singleProcess: false,
    otherWorkers: async () => [],
    registerWorker: async () => {
      registered.value = true;
    },
    beat: async () => registered.value,
    releaseWorkers: async () => 0,
    unregisterWorker: async () => {},
  } as unknown as DeliveryStore;
}

describe('a worker silent past the stale period', () => {
  it('may start work only while a heartbeat lately confirmed it; a heartbeat that finds it declared dead gives back what waits', async () => {
    let monotonic = 1_000;
    const registered = { value: false };
    const events: string[] = [];
    const presence = new Presence({
      store: fakeStore(registered),
      clock: new ManualClock(new Date('2026-01-05T09:00:00Z')),
      logger,
      me: { id: 'w1', host: 'h', pid: 1 },
      onReleased: () => {},
      onDeclaredDead: () => events.push('declared dead'),
      onConfirmed: () => events.push('confirmed'),
      monotonicNow: () => monotonic,
    });
    assert.equal(presence.mayStartWork(), true, 'before start (rounds driven by hand)');
    await presence.start();
    try {
      monotonic += CONFIRMED_WITHIN_MS - 1;
      assert.equal(presence.mayStartWork(), true);
      monotonic += 1; // paused: no heartbeat for CONFIRMED_WITHIN_MS
      assert.equal(presence.mayStartWork(), false);

      registered.value = false; // meanwhile the others removed its row and released its claims
      await presence.tick();
      assert.deepEqual(events, ['declared dead', 'confirmed']);
      assert.equal(presence.mayStartWork(), true);

      await presence.tick();
      assert.deepEqual(events, ['declared dead', 'confirmed'], 'an ordinary heartbeat reports nothing');
    } finally {
      await presence.stop();
    }
  });

  it('the dispatcher starts nothing while the worker may not start work', async () => {
    const clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
    const queues = new LocalQueues({ perWebhookCap: 10, perAccountCap: 32, holdPerLane: 40, minRoom: 10 }, () => clock.now().getTime());
    let sent = 0;
    let allowed = false;
    const givenBack: string[] = [];
    const dispatcher = new Dispatcher({
      queues,
      sender: {
        send: async () => {
          sent += 1;
          throw new Error('not a real send');
        },
        close: async () => {},
      },
      attempt: { clock, random: () => 0.5, retrySchedule: [5], retryJitter: 0, userAgent: 'test' },
      clock,
      logger,
      metrics: undefined,
      capacity: { first: 10, retry: 10 },
      startMarginMs: 1_000,
      onFinished: () => {},
      onGiveBack: (held) => givenBack.push(held.id),
      onRoom: () => {},
      mayStart: () => allowed,
    });
    const leaseUntil = clock.now().getTime() + 60_000;
    const item = (id: string): Queued => ({
      delivery: { id, account_id: 'a', webhook_id: 'w', activity_id: `act-${id}`, type: 't', body: '{}', attempts: 0, is_test: 0, retry_base: 0, lease_token: 'tok', lease_until: leaseUntil, lead_seq: null, lead_prev_seq: null },
      target: { id: 'w', url: 'http://127.0.0.1:9/', enabled: 1, secret: 's', previous_secret: null, previous_secret_expires_at: null, retry_schedule: null, ordering: 'none', paused_until: null, max_rate_per_second: null, send_traceparent: 0 },
      lane: 'first',
      leaseUntil,
    });
    queues.add(item('d1'));
    queues.add(item('d2'));

    dispatcher.pump();
    assert.equal(sent, 0, 'held while unconfirmed');
    dispatcher.giveBackWaiting();
    assert.deepEqual(givenBack, ['d1', 'd2'], 'declared dead: what waits goes back, unsent');

    queues.add(item('d3'));
    allowed = true;
    dispatcher.pump();
    await dispatcher.settle();
    assert.equal(sent, 1, 'confirmed again: starts');
  });
});
