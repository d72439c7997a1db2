import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter } from '../helpers/webhooks.ts';

for (const dialect of DIALECTS) {
  describe(`webhooks API [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });

    it('creates, reads, changes and deletes a webhook in the §7 shape; the secret shows on creation only', async () => {
      const acct = await h().account();
      const me = (await acct.api('GET', '/me')).body;
      const created = await acct.api('POST', '/webhooks', { url: 'https://hooks.example.test/in', handshake_key: 'hk', description: 'CRM sync' });
      assert.equal(created.status, 201);
      const { secret, ...hook } = created.body;
      assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
      assert.deepEqual(hook, {
        _id: hook._id,
        url: 'https://hooks.example.test/in',
        handshake_key: 'hk',
        events: ['*'],
        description: 'CRM sync',
        enabled: true,
        disabled_reason: null,
        retry_schedule: null,
        ordering: 'none',
        created_by: { _id: acct.userId, name: acct.ownerName, email: me.email },
        created_at: '2026-01-05T09:00:00Z',
        updated_at: '2026-01-05T09:00:00Z',
        send_traceparent: false,
        self_heal: false,
        healing: null,
        last_delivery: null,
        max_rate_per_second: null,
        paused_until: null,
      });
      const read = await acct.api('GET', `/webhooks/${hook._id}`);
      assert.deepEqual(read.body, hook);
      const changed = await acct.api('PUT', `/webhooks/${hook._id}`, { events: ['lead:won', 'lead:lost', 'lead:won'], enabled: false });
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.body.events, ['lead:won', 'lead:lost']);
      assert.equal(changed.body.enabled, false);
      assert.equal(changed.body.disabled_reason, 'disabled by a user');
      assert.equal('secret' in changed.body, false);
      assert.equal((await acct.api('GET', '/webhooks')).body.length, 1);
      assert.deepEqual((await acct.api('DELETE', `/webhooks/${hook._id}`)).body, {});
      assert.equal((await acct.api('GET', `/webhooks/${hook._id}`)).status, 404);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://hooks.example.test/in' });
      for (const body of [{}, { url: 12 }, { url: 'https://x.test', events: ['lead:exploded'] }, { url: 'https://x.test', events: [] }, { url: 'https://x.test', bogus: 1, enabled: 'yes' }, { url: 'https://x.test', retry_schedule: [-1] }]) {
        const response = await acct.api('POST', '/webhooks', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.error.code, 'validation_failed');
      }
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { url: 'gopher://x' })).status, 400);
      assert.equal((await acct.api('POST', `/webhooks/${hook._id}/recover`, { since: 'yesterday' })).status, 400);
      assert.equal((await acct.api('GET', `/webhooks/${hook._id}/deliveries?status=lost`)).status, 400);
      const list = (await acct.api('GET', '/webhooks')).body;
      assert.deepEqual(list.map((w: { url: string }) => w.url), ['https://hooks.example.test/in']);
    });

    it('is for admins only: a member gets 403', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://hooks.example.test/in' });
      const member = (await acct.api('POST', '/users', { name: 'Mem', email: `mem-${Date.now()}@example.test`, role: 'member' })).body;
      const auth = { authorization: `Bearer ${member.api_key}` };
      for (const [method, url, body] of [
        ['GET', '/webhooks'],
        ['POST', '/webhooks', { url: 'https://x.test/' }],
        ['GET', `/webhooks/${hook._id}`],
        ['POST', `/webhooks/${hook._id}/rotate-secret`],
        ['GET', '/error-log'],
        ['GET', '/email-outbox'],
      ] as Array<[string, string, unknown?]>) {
        const response = await call(h().app, method, url, body, auth);
        assert.equal(response.status, 403, `${method} ${url}`);
      }
    });

    it("answers 404 for another account's webhooks and deliveries on every route", async () => {
      const owner = await h().account();
      const other = await h().account();
      const receiver = await startReceiver();
      try {
        const hook = await createWebhook(owner, { url: receiver.url() });
        await createLead(owner);
        await h().worker().drain();
        const [delivery] = (await owner.api('GET', `/webhooks/${hook._id}/deliveries`)).body;
        for (const [method, url, body] of [
          ['GET', `/webhooks/${hook._id}`],
          ['PUT', `/webhooks/${hook._id}`, { description: 'x' }],
          ['DELETE', `/webhooks/${hook._id}`],
          ['POST', `/webhooks/${hook._id}/test`],
          ['POST', `/webhooks/${hook._id}/rotate-secret`],
          ['POST', `/webhooks/${hook._id}/recover`, { since: '2020-01-01T00:00:00Z' }],
          ['GET', `/webhooks/${hook._id}/deliveries`],
          ['GET', `/webhooks/${hook._id}/stats`],
          ['GET', `/deliveries/${delivery._id}`],
          ['POST', `/deliveries/${delivery._id}/retry`],
          ['GET', `/error-log?webhook_id=${hook._id}`],
        ] as Array<[string, string, unknown?]>) {
          const response = await other.api(method, url, body);
          assert.equal(response.status, 404, `${method} ${url}`);
        }
        assert.equal((await owner.api('GET', `/webhooks/${hook._id}`)).body.description, null);
      } finally {
        await receiver.close();
      }
    });

    it('reports hourly stats, the last delivery and Prometheus metrics', async () => {
      const receiver = await startReceiver();
      try {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url() });
        await createLead(acct);
        await createLead(acct);
        await h().worker().drain();
        const stats = (await acct.api('GET', `/webhooks/${hook._id}/stats?hours=3`)).body;
        assert.equal(stats.webhook_id, hook._id);
        assert.equal(stats.hours, 3);
        assert.equal(stats.buckets.length, 3);
        const current = stats.buckets[2];
        assert.equal(current.hour, new Date(Math.floor(h().clock.now().getTime() / 3_600_000) * 3_600_000).toISOString());
        assert.deepEqual([current.attempts, current.succeeded, current.failed, current.success_rate], [2, 2, 0, 1]);
        assert.equal(typeof current.p95_ms, 'number');
        assert.deepEqual(stats.buckets[0], { hour: stats.buckets[0].hour, attempts: 0, succeeded: 0, failed: 0, success_rate: null, p50_ms: null, p95_ms: null });
        assert.equal(stats.last_delivery.status, 'succeeded');

        const metrics = await call(h().app, 'GET', '/metrics');
        assert.equal(metrics.status, 200);
        const text = String(metrics.body);
        assert.match(text, /leadhook_delivery_attempts_total\{outcome="delivered"\} \d+/);
        assert.match(text, /leadhook_delivery_attempt_duration_seconds_count \d+/);
        assert.match(text, /leadhook_delivery_queue_depth \d+/);
        assert.match(text, /leadhook_delivery_oldest_pending_age_seconds \d+/);
      } finally {
        await receiver.close();
      }
    });

    it('keeps at most maxInFlightPerWebhook requests in flight per webhook, and a running worker wakes on new work', async () => {
      let open = 0;
      let peak = 0;
      const release: Array<() => void> = [];
      const receiver = await startReceiver((_req, res) => {
        open += 1;
        peak = Math.max(peak, open);
        release.push(() => {
          open -= 1;
          res.writeHead(200).end();
        });
      });
      const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
      try {
        const acct = await h().account();
        await createWebhook(acct, { url: receiver.url(), events: ['note:created'] });
        const lead = await createLead(acct);
        worker.start();
        await h().ctx.recorder.transaction(async (tx) => {
          const actor = { accountId: acct.accountId, user: { _id: acct.userId, name: acct.ownerName, photo_url: null, email: 'x@example.test', role: 'admin' as const } };
          for (let i = 0; i < 25; i++) await tx.record(actor, lead._id, [{ type: 'note:created', fields: { note_content: `n${i}` } }]);
        });
        // No poll for a minute: only the wake-up can start these.
        await receiver.waitFor(10, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(receiver.requests.length, 10, 'the per-webhook cap (10) holds');
        while (receiver.requests.length < 25 || release.length > 0) {
          release.splice(0).forEach((done) => done());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(peak, 10);
        assert.equal(receiver.requests.length, 25);
      } finally {
        release.splice(0).forEach((done) => done());
        await worker.stop(1000);
        await receiver.close();
      }
    });
  });
}
