import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { LeadhookEvent } from '../../src/receiver/events.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';
import { FRAMEWORKS, startKitServer, type KitServer } from './servers.ts';

const PLACEHOLDER = 'http://127.0.0.1:9/not-yet';

for (const dialect of DIALECTS) {
  describe(`receiver kit handlers with real deliveries [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });
    const servers: KitServer[] = [];
    after(async () => {
      for (const server of servers) await server.close();
    });
    const now = () => h().clock.now();

    for (const framework of FRAMEWORKS) {
      it(`${framework}: receives typed, verified events once each, and answers a redelivery as a duplicate`, async () => {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: PLACEHOLDER, handshake_key: 'hk-1' });
        const received: Array<{ id: string; event: LeadhookEvent }> = [];
        const server = await startKitServer(framework, { secret: hook.secret, now, handshakeKey: 'hk-1' }, (event, meta) => {
          received.push({ id: meta.id, event });
        });
        servers.push(server);
        assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { url: server.url })).status, 200);

        const lead = await createLead(acct, 'Kit Lead');
        await record(h(), acct, lead._id, [{ type: 'lead:moved', fields: { old_stage_name: 'Lead In', new_stage_name: 'Offer' } }]);
        assert.equal((await acct.api('POST', `/webhooks/${hook._id}/test`)).status, 202);
        await h().worker().drain();

        assert.deepEqual(received.map((r) => r.event.activity.type).sort(), ['lead:created', 'lead:moved', 'webhook:test']);
        const moved = received.find((r) => r.event.activity.type === 'lead:moved')!.event;
        assert.ok(moved.activity.type === 'lead:moved');
        assert.equal(moved.activity.new_stage_name, 'Offer');
        assert.equal(moved.lead.name, 'Kit Lead');
        const deliveries = await deliveriesOf(acct, hook._id);
        assert.equal(deliveries.length, 3);
        assert.ok(deliveries.every((d) => d.status === 'succeeded' && d.last_status === 200), JSON.stringify(deliveries));

        const again = deliveries.find((d) => d.type === 'lead:moved');
        assert.equal((await acct.api('POST', `/deliveries/${again._id}/retry`)).status, 202);
        await h().worker().drain();
        assert.equal(received.length, 3, 'the handler is not called for a repeat');
        const detail = (await acct.api('GET', `/deliveries/${again._id}`)).body;
        const last = detail.attempt_records.at(-1);
        assert.equal(last.response.status, 200);
        assert.deepEqual(JSON.parse(last.response.body), { duplicate: true });

        // The app's own JSON routes still parse JSON next to the receiver.
        const echo = await fetch(server.jsonUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        assert.deepEqual(await echo.json(), { echo: { a: 1 } });
      });
    }

    it('answers 401 to deliveries signed with another secret, so leadhook retries them', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: PLACEHOLDER });
      const other = await createWebhook(acct, { url: PLACEHOLDER, enabled: false });
      const received: LeadhookEvent[] = [];
      const server = await startKitServer('node:http', { secret: other.secret, now }, (event) => {
        received.push(event);
      });
      servers.push(server);
      await acct.api('PUT', `/webhooks/${hook._id}`, { url: server.url });
      await createLead(acct);
      await h().worker().drain();
      assert.equal(received.length, 0);
      const [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(delivery.status, 'pending');
      assert.equal(delivery.last_status, 401);
    });

    it('answers 401 when the handshake key differs, and 500 (retried, not deduplicated) when the handler throws', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: PLACEHOLDER, handshake_key: 'right' });
      let failNext = true;
      const seen: string[] = [];
      const server = await startKitServer('express', { secret: hook.secret, now }, (event) => {
        seen.push(event.activity.type);
        if (failNext) throw new Error('database down');
      });
      servers.push(server);
      await acct.api('PUT', `/webhooks/${hook._id}`, { url: server.url });
      await createLead(acct);
      await h().worker().drain();
      const [first] = await deliveriesOf(acct, hook._id);
      assert.equal(first.last_status, 500);
      failNext = false;
      await acct.api('POST', `/deliveries/${first._id}/retry`);
      await h().worker().drain();
      assert.deepEqual(seen, ['lead:created', 'lead:created']);
      assert.equal((await deliveriesOf(acct, hook._id))[0].status, 'succeeded');

      const wrongKey = await startKitServer('fastify', { secret: hook.secret, now, handshakeKey: 'wrong' }, () => {});
      servers.push(wrongKey);
      await acct.api('PUT', `/webhooks/${hook._id}`, { url: wrongKey.url });
      await createLead(acct, 'Second');
      await h().worker().drain();
      const latest = (await deliveriesOf(acct, hook._id)).find((d) => d._id !== first._id);
      assert.equal(latest.last_status, 401);
    });
  });
}
