import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalQueues, type Queued } from '../../src/delivery/local-queues.ts';
import type { Lane } from '../../src/delivery/store/claim.ts';

let n = 0;
function item(webhookId: string, lane: Lane, leaseUntil = 1_000_000, accountId = 'a'): Queued {
  n += 1;
  return {
    delivery: { id: `d${n}`, account_id: accountId, webhook_id: webhookId, activity_id: `act${n}`, type: 't', body: '{}', attempts: lane === 'first' ? 0 : 1, is_test: 0, retry_base: 0, lease_token: 'tok', lease_until: leaseUntil, lead_seq: null, lead_prev_seq: null },
    target: { id: webhookId, url: 'http://x.test/', enabled: 1, secret: 's', previous_secret: null, previous_secret_expires_at: null, retry_schedule: null, ordering: 'none', paused_until: null, max_rate_per_second: null, send_traceparent: 0 },
    lane,
    leaseUntil,
  };
}
const roomy = { first: 100, retry: 100 };
const never = () => false;

describe('local queues', () => {
  it('gives each webhook room up to its hold, and none below the minimum room', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 2, holdPerLane: 8, minRoom: 2 });
    assert.deepEqual([...queues.rooms('first', ['w1'])], [['w1', 8]]);
    for (let i = 0; i < 7; i++) queues.add(item('w1', 'first'));
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2'])], [['w2', 8]]);
    assert.deepEqual([...queues.rooms('retry', ['w1'])], [['w1', 8]]);
  });

  it('lets webhooks with the top-up room join a claim that another webhook with the minimum room makes', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 2, holdPerLane: 8, minRoom: 4, topUpRoom: 2 });
    for (let i = 0; i < 5; i++) queues.add(item('w1', 'first')); // room 3: above the top-up, below the minimum
    for (let i = 0; i < 7; i++) queues.add(item('w2', 'first')); // room 1: below both
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2'])], [], 'nobody has the minimum room: no claim');
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2', 'w3'])], [['w1', 3], ['w3', 8]]);
  });

  it('starts at most the per-webhook cap, first attempts before retries, within each lane capacity', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 2, holdPerLane: 8, minRoom: 1 });
    const retry = item('w1', 'retry');
    const first = [item('w1', 'first'), item('w1', 'first'), item('w1', 'first')];
    queues.add(retry);
    first.forEach((i) => queues.add(i));
    const w2 = item('w2', 'first');
    queues.add(w2);
    const { start } = queues.takeStartable(roomy, never);
    // The account's webhooks take turns: w1, w2, then w1 again up to its cap; w1's retry waits.
    assert.deepEqual(start.map((i) => i.delivery.id), [first[0]!.delivery.id, w2.delivery.id, first[1]!.delivery.id]);
    const limited = new LocalQueues({ perAccountCap: 100, perWebhookCap: 10, holdPerLane: 10, minRoom: 1 });
    for (let i = 0; i < 5; i++) limited.add(item('w3', 'first'));
    assert.equal(limited.takeStartable({ first: 3, retry: 3 }, never).start.length, 3);
  });

  it('hands back a delivery that reached the head of its queue too late', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 1, holdPerLane: 4, minRoom: 1 });
    const stale = item('w1', 'first', 10);
    const fresh = item('w1', 'first', 1_000_000);
    queues.add(stale);
    queues.add(fresh);
    const { start, expired } = queues.takeStartable(roomy, (i) => i.leaseUntil < 100);
    assert.deepEqual([start.map((i) => i.delivery.id), expired.map((i) => i.delivery.id)], [[fresh.delivery.id], [stale.delivery.id]]);
  });

  it('asks for another claim when a webhook whose last claim was full regains room', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 4, holdPerLane: 4, minRoom: 2 });
    const items = [item('w1', 'first'), item('w1', 'first'), item('w1', 'first'), item('w1', 'first')];
    items.forEach((i) => queues.add(i));
    queues.claimed('first', 'w1', 4, 4);
    const { start } = queues.takeStartable(roomy, never);
    assert.equal(queues.finished(start[0]!), false, 'one free slot is less than the minimum room');
    assert.equal(queues.finished(start[1]!), true);
    assert.equal(queues.finished(start[2]!), false, 'asked once; the claim it triggers answers afresh');
  });

  it('takes every waiting delivery back when the worker stops', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 1, holdPerLane: 4, minRoom: 1 });
    [item('w1', 'first'), item('w1', 'first'), item('w1', 'retry')].forEach((i) => queues.add(i));
    const { start } = queues.takeStartable(roomy, never);
    assert.equal(start.length, 1);
    assert.equal(queues.takeAllWaiting().length, 2);
    assert.deepEqual([...queues.rooms('first', ['w1'])], [['w1', 3]]);
  });

  it('keeps each account within its in-flight budget, so another account still finds a free slot', () => {
    const queues = new LocalQueues({ perAccountCap: 3, perWebhookCap: 10, holdPerLane: 40, minRoom: 1 });
    // Account b: five webhooks, four deliveries each, queued first.
    for (let w = 0; w < 5; w++) for (let i = 0; i < 4; i++) queues.add(item(`b${w}`, 'first', 1_000_000, 'b'));
    const first = queues.takeStartable({ first: 4, retry: 4 }, never).start;
    assert.deepEqual(first.map((i) => i.delivery.account_id), ['b', 'b', 'b'], 'b stops at its budget of 3, one lane slot stays free');
    assert.deepEqual(first.map((i) => i.delivery.webhook_id), ['b0', 'b1', 'b2'], "b's webhooks take turns");
    const a = item('a0', 'first', 1_000_000, 'a');
    queues.add(a);
    assert.deepEqual(queues.takeStartable({ first: 4, retry: 4 }, never).start.map((i) => i.delivery.id), [a.delivery.id]);
    // One of b's requests finishes: b may start one more, from a webhook that has not had a turn.
    queues.finished(first[0]!);
    assert.deepEqual(queues.takeStartable({ first: 4, retry: 4 }, never).start.map((i) => i.delivery.webhook_id), ['b3']);
  });

  it('takes accounts in turn, least recently served first, one delivery each per turn', () => {
    const queues = new LocalQueues({ perAccountCap: 100, perWebhookCap: 100, holdPerLane: 100, minRoom: 1 });
    for (let i = 0; i < 3; i++) queues.add(item('b0', 'first', 1_000_000, 'b'));
    for (let i = 0; i < 3; i++) queues.add(item('c0', 'first', 1_000_000, 'c'));
    queues.add(item('a0', 'first', 1_000_000, 'a'));
    const firstRound = queues.takeStartable({ first: 4, retry: 4 }, never).start;
    assert.deepEqual(firstRound.map((i) => i.delivery.account_id), ['b', 'c', 'a', 'b']);
    // Two slots free up: c was served longer ago than b, so c goes first.
    firstRound.slice(0, 2).forEach((i) => queues.finished(i));
    assert.deepEqual(queues.takeStartable({ first: 4, retry: 4 }, never).start.map((i) => i.delivery.account_id), ['c', 'b']);
  });
});

describe('local queues: the total held (maxHeld)', () => {
  const limits = { perAccountCap: 100, perWebhookCap: 2, holdPerLane: 8, minRoom: 2 };

  it('gives out no more room than the total allows, both lanes and every webhook together', () => {
    const queues = new LocalQueues({ ...limits, maxHeld: 10 });
    for (let i = 0; i < 3; i++) queues.add(item('w1', 'retry'));
    // 7 left of 10: w1 gets its 7 (of 8), w2 nothing.
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2'])], [['w1', 7]]);
    for (let i = 0; i < 7; i++) queues.add(item('w1', 'first'));
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2', 'w3'])], [], 'all 10 held: no claim at all');
    assert.deepEqual([...new LocalQueues(limits).rooms('first', ['w1', 'w2'])], [['w1', 8], ['w2', 8]], 'unlimited without maxHeld');
  });

  it('lets the webhooks take turns when the total binds, and asks for a claim once enough is freed', () => {
    const queues = new LocalQueues({ ...limits, maxHeld: 8 });
    const given: string[] = [];
    for (let round = 0; round < 4; round++) {
      const rooms = [...queues.rooms('first', ['w1', 'w2', 'w3'])];
      assert.equal(rooms.length, 1, `round ${round}: all 8 go to one webhook`);
      const [webhookId, room] = rooms[0]!;
      given.push(webhookId);
      for (let i = 0; i < room; i++) queues.add(item(webhookId, 'first'));
      const [a, b] = queues.takeStartable(roomy, never).start; // its cap: 2 start, 6 wait
      assert.equal(queues.finished(a!), false, 'one freed: less than the minimum room');
      assert.equal(queues.finished(b!), true, 'two freed: the held-back webhooks may claim');
      queues.takeAllWaiting();
    }
    assert.deepEqual(given, ['w1', 'w2', 'w3', 'w1'], 'turns go round the webhooks in id order');
  });
});
