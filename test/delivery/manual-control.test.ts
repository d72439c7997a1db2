// Manual control and the request's edges: retry now, recover, signing through a secret rotation,
// and webhook:test deliveries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { useFreshReceiver, verifySignature } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

for (const dialect of DIALECTS) {
  describe(`manual control and test deliveries [${dialect}]`, () => {
    const h = useHarness(dialect, { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '800' }, { overrides: noJitter, clockStart: START });
    const fresh = useFreshReceiver();

    it('retries one delivery now and recovers every failed delivery since a time', async () => {
      const receiver = await fresh();
      receiver.behave((_req, res) => res.writeHead(500).end());
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), retry_schedule: [] });
      const lead = await createLead(acct);
      await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'a' } }]);
      await h().worker().drain();
      const failed = await deliveriesOf(acct, hook._id);
      assert.deepEqual(failed.map((d) => d.status), ['failed', 'failed']);

      receiver.behave((_req, res) => res.writeHead(200).end());
      const retried = await acct.api('POST', `/deliveries/${failed[0]._id}/retry`);
      assert.equal(retried.status, 202);
      assert.equal(retried.body.status, 'pending');
      await h().worker().drain();
      assert.equal(receiver.requests.length, 3);
      const afterRetry = (await acct.api('GET', `/deliveries/${failed[0]._id}`)).body;
      assert.equal(afterRetry.status, 'succeeded');
      assert.deepEqual(afterRetry.attempt_records.map((a: any) => a.attempt), [1, 2]);

      const recovered = await acct.api('POST', `/webhooks/${hook._id}/recover`, { since: new Date(START - 86_400_000).toISOString() });
      assert.equal(recovered.status, 202);
      assert.deepEqual(recovered.body, { recovered: 1 });
      await h().worker().drain();
      assert.deepEqual((await deliveriesOf(acct, hook._id)).map((d) => d.status), ['succeeded', 'succeeded']);
      const replay = receiver.requests[3]!;
      assert.notEqual(replay.headers['webhook-id'], receiver.requests[2]!.headers['webhook-id']);
      const original = receiver.requests.slice(0, 2).find((r) => r.headers['webhook-id'] === replay.headers['webhook-id']);
      assert.equal(replay.body, original?.body, 'a replay sends the same bytes with the same webhook-id');
    });

    it('signs with both secrets for 24 h after a rotation', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url() });
      const rotated = await acct.api('POST', `/webhooks/${hook._id}/rotate-secret`);
      assert.equal(rotated.status, 200);
      const newSecret = rotated.body.secret as string;
      assert.notEqual(newSecret, hook.secret);
      await createLead(acct);
      await h().worker().drain();
      const [during] = receiver.requests;
      assert.equal(String(during!.headers['webhook-signature']).split(' ').length, 2);
      assert.ok(verifySignature(hook.secret, during!));
      assert.ok(verifySignature(newSecret, during!));

      h().clock.advance(24 * 3_600_000 + 1);
      await createLead(acct, 'Later');
      await h().worker().drain();
      const later = receiver.requests[1]!;
      assert.equal(String(later.headers['webhook-signature']).split(' ').length, 1);
      assert.ok(verifySignature(newSecret, later));
      assert.throws(() => verifySignature(hook.secret, later));
    });

    it('sends a webhook:test delivery marked as a test', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), handshake_key: 'hk' });
      const queued = await acct.api('POST', `/webhooks/${hook._id}/test`);
      assert.equal(queued.status, 202);
      assert.equal(queued.body.type, 'webhook:test');
      assert.equal(queued.body.test, true);
      await h().worker().drain();
      const body = JSON.parse(receiver.requests[0]!.body);
      assert.equal(body.activity.type, 'webhook:test');
      assert.equal(body.activity.test, true);
      assert.equal(body.handshake_key, 'hk');
      assert.equal(receiver.requests[0]!.headers['webhook-id'], queued.body.activity_id);
      verifySignature(hook.secret, receiver.requests[0]!);
    });
  });
}
