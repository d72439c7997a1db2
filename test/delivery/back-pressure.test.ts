import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MAX_PAUSE_S } from '../../src/delivery/back-pressure.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter } from '../helpers/webhooks.ts';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

for (const dialect of DIALECTS) {
  describe(`back-pressure [${dialect}]`, () => {
    // One request at a time per webhook, so the first 429 is answered before the next request starts.
    const h = useHarness(
      dialect,
      { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '800', LEADHOOK_MAX_IN_FLIGHT_PER_WEBHOOK: '1' },
      { overrides: noJitter, clockStart: START },
    );
    const receivers: Receiver[] = [];
    after(async () => {
      for (const r of receivers) await r.close();
    });
    const receiver = async () => {
      const r = await startReceiver();
      receivers.push(r);
      return r;
    };

    it('a 429 with Retry-After: 30 on one delivery pauses every delivery of its webhook until then, on every worker, while another webhook keeps receiving', async () => {
      const busy = await receiver();
      const calm = await receiver();
      let overloaded = true;
      busy.behave((_req, res) => (overloaded ? res.writeHead(429, { 'retry-after': '30' }).end() : res.writeHead(200).end()));
      const acct = await h().account();
      // A first retry after 20 s: Retry-After 30 is within twice that, so it is honoured in full.
      const hook = await createWebhook(acct, { url: busy.url(), retry_schedule: [20, 60] });
      const other = await createWebhook(acct, { url: calm.url() });

      await createLead(acct, 'First');
      const pausedAt = h().clock.now().getTime();
      await h().worker().drain();
      assert.equal(busy.requests.length, 1);
      const shown = (await acct.api('GET', `/webhooks/${hook._id}`)).body;
      assert.equal(shown.paused_until, iso(pausedAt + 30_000));
      assert.equal((await acct.api('GET', `/webhooks/${other._id}`)).body.paused_until, null);
      assert.match(String((await call(h().app, 'GET', '/metrics')).body), /leadhook_delivery_webhooks_paused 1\b/);
      const [first] = await deliveriesOf(acct, hook._id);
      assert.deepEqual([first.status, first.attempts, first.next_attempt_at], ['pending', 1, iso(pausedAt + 30_000)], 'rescheduled to the pause end, one attempt spent');

      // New work during the pause: the paused webhook gets none of it, the other webhook all.
      overloaded = false;
      await createLead(acct, 'Second');
      await createLead(acct, 'Third');
      h().clock.advance(10_000);
      await h().worker().drain();
      assert.equal(busy.requests.length, 1, 'nothing more reaches the paused endpoint');
      assert.equal(calm.requests.length, 3, 'the other webhook keeps receiving');

      // The pause is in the database: a second worker (no local state) does not claim the webhook either.
      const second = h().ctx.createWorker();
      try {
        h().clock.advance(19_999);
        assert.equal(await second.runOnce(), 0);
        await h().worker().drain();
        assert.equal(busy.requests.length, 1);

        h().clock.advance(1);
        assert.equal(await second.drain(), 3);
      } finally {
        await second.stop(0);
      }
      assert.equal(busy.requests.length, 4);
      const after = await deliveriesOf(acct, hook._id);
      assert.deepEqual(after.map((d) => [d.status, d.attempts]).sort(), [['succeeded', 1], ['succeeded', 1], ['succeeded', 2]]);
      assert.equal((await acct.api('GET', `/webhooks/${hook._id}`)).body.paused_until, null);
    });

    it(`caps a pause at ${MAX_PAUSE_S} s whatever Retry-After asks, and ends it when the URL changes`, async () => {
      const busy = await receiver();
      busy.behave((_req, res) => res.writeHead(503, { 'retry-after': String(7 * 86_400) }).end());
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: busy.url(), retry_schedule: [86_400] });
      await createLead(acct);
      const at = h().clock.now().getTime();
      await h().worker().drain();
      assert.equal((await acct.api('GET', `/webhooks/${hook._id}`)).body.paused_until, iso(at + MAX_PAUSE_S * 1000));
      const [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(delivery.next_attempt_at, iso(at + 2 * 86_400_000), 'the delivery itself waits at most twice its scheduled delay');
      // A new URL is another receiver: the old one's pause ends.
      const moved = await acct.api('PUT', `/webhooks/${hook._id}`, { url: busy.url('/elsewhere') });
      assert.equal(moved.body.paused_until, null);
    });

    it('starts no more than max_rate_per_second requests of a webhook in any one-second window', async () => {
      const paced = await receiver();
      const free = await receiver();
      const receivedAt: number[] = [];
      paced.behave((_req, res) => {
        receivedAt.push(h().clock.now().getTime());
        res.writeHead(200).end();
      });
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: paced.url(), max_rate_per_second: 5 });
      assert.equal(hook.max_rate_per_second, 5);
      await createWebhook(acct, { url: free.url() });
      for (let i = 0; i < 12; i++) await createLead(acct, `Lead ${i}`);
      const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
      try {
        await worker.drain();
        assert.deepEqual([free.requests.length, paced.requests.length], [12, 1], 'the unlimited webhook is not paced, the paced one waits');
        for (let step = 0; step < 60 && paced.requests.length < 12; step++) {
          h().clock.advance(50);
          await worker.runOnce();
        }
      } finally {
        await worker.stop(0);
      }
      assert.equal(receivedAt.length, 12);
      for (const t of receivedAt) {
        const inWindow = receivedAt.filter((u) => u >= t && u < t + 1000).length;
        assert.ok(inWindow <= 5, `${inWindow} requests in the second from ${t - START} ms`);
      }
    });

    it('shares max_rate_per_second among the live workers: beside another beating worker, each starts at half the rate', async () => {
      const paced = await receiver();
      const acct = await h().account();
      await createWebhook(acct, { url: paced.url(), max_rate_per_second: 5 });
      for (let i = 0; i < 10; i++) await createLead(acct, `Lead ${i}`);
      const db = h().ctx.db;
      await db.insertInto('delivery_workers').values({ id: 'worker-elsewhere', host: 'elsewhere', pid: 1, started_at: 0, heartbeat_at: h().clock.now().getTime() }).execute();
      const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
      try {
        await worker.heartbeat();
        await worker.runOnce();
        for (let step = 0; step < 39; step++) {
          h().clock.advance(50);
          await worker.runOnce();
        }
      } finally {
        await worker.stop(0);
        await db.deleteFrom('delivery_workers').execute();
      }
      // 2 s at 5/s ÷ 2 workers: starts at 0, 400, 800, 1200 and 1600 ms.
      assert.equal(paced.requests.length, 5);
    });

    it('a running worker starts paced and paused deliveries by itself when their time comes', async () => {
      const paced = await receiver();
      let overloaded = true;
      paced.behave((_req, res) => (overloaded ? res.writeHead(503, { 'retry-after': '2' }).end() : res.writeHead(200).end()));
      const acct = await h().account();
      await createWebhook(acct, { url: paced.url(), max_rate_per_second: 5 });
      // No poll and no other work: only the worker's own timer can start what waits.
      const worker = h().ctx.createWorker({ pollIntervalMs: 600_000 });
      await worker.start();
      try {
        await createLead(acct, 'Paused');
        await paced.waitFor(1);
        overloaded = false;
        for (let i = 0; i < 4; i++) await createLead(acct, `Paced ${i}`);
        // Manual time moves in steps; each step lets the next paced start (or the pause end) through.
        for (let step = 0; step < 400 && paced.requests.length < 6; step++) {
          h().clock.advance(100);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      } finally {
        await worker.stop(0);
      }
      assert.equal(paced.requests.length, 6, 'the 503, then the paused delivery and the four paced ones');
    });

    it('lets the owner set and clear max_rate_per_second, and refuses a rate of 0', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      assert.equal(hook.max_rate_per_second, null);
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { max_rate_per_second: 2.5 })).body.max_rate_per_second, 2.5);
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { max_rate_per_second: 0 })).status, 400);
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { max_rate_per_second: null })).body.max_rate_per_second, null);
    });
  });
}
