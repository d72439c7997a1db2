// Back-pressure in the local queues (docs/WEBHOOKS.md, "Back-pressure"): pure, with a manual `now`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSignal, pauseEnd } from '../../src/delivery/back-pressure.ts';
import { LocalQueues, type Queued } from '../../src/delivery/local-queues.ts';
import type { AttemptOutcome } from '../../src/delivery/outcome.ts';

let n = 0;
function item(webhookId: string, options: { leaseUntil?: number; rate?: number | null; pausedUntil?: number | null } = {}): Queued {
  n += 1;
  const leaseUntil = options.leaseUntil ?? 1_000_000;
  return {
    delivery: { id: `d${n}`, account_id: 'a', webhook_id: webhookId, activity_id: `act${n}`, type: 't', body: '{}', attempts: 0, is_test: 0, retry_base: 0, lease_token: 'tok', lease_until: leaseUntil, lead_seq: null, lead_prev_seq: null },
    target: {
      id: webhookId,
      url: 'http://x.test/',
      enabled: 1,
      secret: 's',
      previous_secret: null,
      previous_secret_expires_at: null,
      retry_schedule: null,
      paused_until: options.pausedUntil ?? null,
      max_rate_per_second: options.rate ?? null,
      send_traceparent: 0,
      ordering: 'none',
    },
    lane: 'first',
    leaseUntil,
  };
}
const roomy = { first: 100, retry: 100 };
const never = () => false;

function setup(cap = 8) {
  const clock = { now: 1_000 };
  const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: cap, holdPerLane: 100, minRoom: 1 }, () => clock.now);
  const fill = (webhookId: string, count: number, options?: Parameters<typeof item>[1]) => {
    for (let i = 0; i < count; i++) queues.add(item(webhookId, options));
  };
  const start = () => queues.takeStartable(roomy, never);
  return { clock, queues, fill, start };
}

describe('adaptive concurrency per webhook (AIMD)', () => {
  it('halves the limit on a sign of overload, down to 1, and leaves other webhooks at the cap', () => {
    const { clock, queues, fill, start } = setup(8);
    fill('w1', 40);
    fill('w2', 40);
    for (const expected of [4, 2, 1, 1]) {
      const started = start().start.filter((i) => i.delivery.webhook_id === 'w1');
      clock.now += 10;
      // Each request that ends overloaded started after the last halving, so each halves.
      queues.finished(started[0]!, 'overloaded');
      for (const other of started.slice(1)) queues.finished(other, 'neutral');
      assert.equal(queues.limitOf('w1'), expected);
    }
    assert.equal(queues.limitOf('w2'), 8);
    const round = start().start;
    assert.equal(round.filter((i) => i.delivery.webhook_id === 'w1').length, 1, 'w1 starts one at a time');
  });

  it('halves once for requests that were in flight together, not once per request', () => {
    const { clock, queues, fill, start } = setup(8);
    fill('w1', 8);
    const started = start().start;
    assert.equal(started.length, 8);
    clock.now += 100;
    for (const i of started) queues.finished(i, 'overloaded');
    assert.equal(queues.limitOf('w1'), 4);
  });

  it('raises the limit on successes, about one per full window, back up to the cap and no further', () => {
    const { clock, queues, fill, start } = setup(8);
    fill('w1', 200);
    const first = start().start;
    clock.now += 1;
    queues.finished(first[0]!, 'overloaded');
    first.slice(1).forEach((i) => queues.finished(i));
    assert.equal(queues.limitOf('w1'), 4);
    // Four successes at a limit of 4 raise it by one.
    const window = start().start;
    assert.equal(window.length, 4);
    window.forEach((i) => queues.finished(i, 'eased'));
    assert.equal(queues.limitOf('w1'), 5);
    for (let round = 0; round < 20; round++) start().start.forEach((i) => queues.finished(i, 'eased'));
    assert.equal(queues.limitOf('w1'), 8);
  });

  it('reads timeouts, refused connections and 5xx as overload, a 4xx as neither, a success as easing', () => {
    const failed = (category: 'timeout' | 'connect' | 'http_status' | 'dns', status?: number): AttemptOutcome => ({
      kind: 'failed',
      category,
      message: '',
      response: status === undefined ? null : { status, headers: {}, body: '', truncated: false },
      retryAfterS: null,
      gone: false,
    });
    assert.deepEqual(
      [failed('timeout'), failed('connect'), failed('http_status', 502), failed('http_status', 429), failed('http_status', 404), failed('dns')].map(loadSignal),
      ['overloaded', 'overloaded', 'overloaded', 'overloaded', 'neutral', 'neutral'],
    );
    assert.equal(loadSignal({ kind: 'delivered', response: { status: 200, headers: {}, body: '', truncated: false } }), 'eased');
  });
});

describe('endpoint pause in the local queues', () => {
  it('starts nothing of a paused webhook until the pause ends, says when, and keeps starting others', () => {
    const { clock, queues, fill, start } = setup();
    fill('w1', 3);
    fill('w2', 3);
    const giveBack = queues.pause('w1', clock.now + 30_000, (i, at) => i.leaseUntil < at);
    assert.equal(giveBack.length, 0, 'their leases outlast the pause');
    const round = start();
    assert.deepEqual([round.start.map((i) => i.delivery.webhook_id), round.wakeAt], [['w2', 'w2', 'w2'], clock.now + 30_000]);
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2'])].map(([id]) => id), ['w2'], 'no claims for a paused webhook');
    clock.now += 30_000;
    assert.equal(start().start.length, 3);
  });

  it('gives back the waiting deliveries whose lease would run out before the pause ends', () => {
    const { clock, queues, start } = setup();
    const short = item('w1', { leaseUntil: clock.now + 10_000 });
    const long = item('w1', { leaseUntil: clock.now + 100_000 });
    queues.add(short);
    queues.add(long);
    const giveBack = queues.pause('w1', clock.now + 30_000, (i, at) => i.leaseUntil < at);
    assert.deepEqual(giveBack.map((i) => i.delivery.id), [short.delivery.id]);
    clock.now += 30_000;
    assert.deepEqual(start().start.map((i) => i.delivery.id), [long.delivery.id]);
  });

  it('holds back a webhook claimed with a pause already in its row', () => {
    const { clock, queues, start } = setup();
    queues.add(item('w1', { pausedUntil: clock.now + 5_000 }));
    assert.equal(start().start.length, 0);
    clock.now += 5_000;
    assert.equal(start().start.length, 1);
  });

  it('pauses only for a 429/503 with a Retry-After, capped at an hour', () => {
    const answer = (retryAfterS: number | null): AttemptOutcome => ({ kind: 'failed', category: 'http_status', message: '', response: null, retryAfterS, gone: false });
    assert.equal(pauseEnd(answer(30), 0), 30_000);
    assert.equal(pauseEnd(answer(86_400), 0), 3_600_000);
    assert.equal(pauseEnd(answer(null), 0), null);
    assert.equal(pauseEnd(answer(0), 0), null);
  });
});

describe('maximum rate per webhook', () => {
  it('spaces starts 1/rate apart, so no second holds more than the rate, and shares the rate among live workers', () => {
    const { clock, queues, fill, start } = setup();
    fill('w1', 30, { rate: 5 });
    const startedAt: number[] = [];
    for (let t = 0; t < 3_000; t += 50) {
      const round = start();
      for (const i of round.start) {
        startedAt.push(clock.now);
        queues.finished(i, 'eased');
      }
      if (round.start.length === 0) assert.ok(round.wakeAt !== undefined && round.wakeAt > clock.now);
      clock.now += 50;
    }
    assert.equal(startedAt.length, 15);
    for (const t of startedAt) assert.ok(startedAt.filter((u) => u >= t && u < t + 1_000).length <= 5);

    queues.setLiveWorkers(2);
    const before = startedAt.length;
    for (let t = 0; t < 2_000; t += 50) {
      for (const i of start().start) {
        startedAt.push(clock.now);
        queues.finished(i, 'eased');
      }
      clock.now += 50;
    }
    assert.equal(startedAt.length - before, 5, 'half of 5/s for 2 s');
  });
});
