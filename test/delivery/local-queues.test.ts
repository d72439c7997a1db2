import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalQueues, type Queued } from '../../src/delivery/local-queues.ts';
import type { Lane } from '../../src/delivery/store/claim.ts';

let n = 0;
function item(webhookId: string, lane: Lane, leaseUntil = 1_000_000): Queued {
  n += 1;
  return {
    delivery: { id: `d${n}`, account_id: 'a', webhook_id: webhookId, activity_id: `act${n}`, type: 't', body: '{}', attempts: lane === 'first' ? 0 : 1, is_test: 0, retry_base: 0, lease_token: 'tok', lease_until: leaseUntil },
    target: { id: webhookId, url: 'http://x.test/', enabled: 1, secret: 's', previous_secret: null, previous_secret_expires_at: null, retry_schedule: null },
    lane,
    leaseUntil,
  };
}
const roomy = { first: 100, retry: 100 };
const never = () => false;

describe('local queues', () => {
  it('gives each webhook room up to its hold, and none below the minimum room', () => {
    const queues = new LocalQueues({ perWebhookCap: 2, holdPerLane: 8, minRoom: 2 });
    assert.deepEqual([...queues.rooms('first', ['w1'])], [['w1', 8]]);
    for (let i = 0; i < 7; i++) queues.add(item('w1', 'first'));
    assert.deepEqual([...queues.rooms('first', ['w1', 'w2'])], [['w2', 8]]);
    assert.deepEqual([...queues.rooms('retry', ['w1'])], [['w1', 8]]);
  });

  it('starts at most the per-webhook cap, first attempts before retries, within each lane capacity', () => {
    const queues = new LocalQueues({ perWebhookCap: 2, holdPerLane: 8, minRoom: 1 });
    const retry = item('w1', 'retry');
    const first = [item('w1', 'first'), item('w1', 'first'), item('w1', 'first')];
    queues.add(retry);
    first.forEach((i) => queues.add(i));
    queues.add(item('w2', 'first'));
    const { start } = queues.takeStartable(roomy, never);
    assert.deepEqual(start.map((i) => i.delivery.id), [first[0]!.delivery.id, first[1]!.delivery.id, start[2]!.delivery.id]);
    assert.equal(start[2]!.delivery.webhook_id, 'w2');
    const limited = new LocalQueues({ perWebhookCap: 10, holdPerLane: 10, minRoom: 1 });
    for (let i = 0; i < 5; i++) limited.add(item('w3', 'first'));
    assert.equal(limited.takeStartable({ first: 3, retry: 3 }, never).start.length, 3);
  });

  it('hands back a delivery that reached the head of its queue too late', () => {
    const queues = new LocalQueues({ perWebhookCap: 1, holdPerLane: 4, minRoom: 1 });
    const stale = item('w1', 'first', 10);
    const fresh = item('w1', 'first', 1_000_000);
    queues.add(stale);
    queues.add(fresh);
    const { start, expired } = queues.takeStartable(roomy, (i) => i.leaseUntil < 100);
    assert.deepEqual([start.map((i) => i.delivery.id), expired.map((i) => i.delivery.id)], [[fresh.delivery.id], [stale.delivery.id]]);
  });

  it('asks for another claim when a webhook whose last claim was full regains room', () => {
    const queues = new LocalQueues({ perWebhookCap: 4, holdPerLane: 4, minRoom: 2 });
    const items = [item('w1', 'first'), item('w1', 'first'), item('w1', 'first'), item('w1', 'first')];
    items.forEach((i) => queues.add(i));
    queues.claimed('first', 'w1', 4, 4);
    const { start } = queues.takeStartable(roomy, never);
    assert.equal(queues.finished(start[0]!), false, 'one free slot is less than the minimum room');
    assert.equal(queues.finished(start[1]!), true);
    assert.equal(queues.finished(start[2]!), false, 'asked once; the claim it triggers answers afresh');
  });

  it('takes every waiting delivery back when the worker stops', () => {
    const queues = new LocalQueues({ perWebhookCap: 1, holdPerLane: 4, minRoom: 1 });
    [item('w1', 'first'), item('w1', 'first'), item('w1', 'retry')].forEach((i) => queues.add(i));
    const { start } = queues.takeStartable(roomy, never);
    assert.equal(start.length, 1);
    assert.equal(queues.takeAllWaiting().length, 2);
    assert.deepEqual([...queues.rooms('first', ['w1'])], [['w1', 3]]);
  });
});
