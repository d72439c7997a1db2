// Webhooks per account (LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT, docs/CONFIGURATION.md): one more is
// refused with 409 and nothing is created; other accounts are not affected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { createWebhook as createWebhookRow } from '../../src/webhooks/webhooks.service.ts';
import { WEBHOOK_ENV, actorOf, createWebhook } from '../helpers/webhooks.ts';

for (const dialect of DIALECTS) {
  describe(`webhooks per account [${dialect}]`, () => {
    const h = useHarness(dialect, { ...WEBHOOK_ENV, LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT: '3' });

    it('refuses a webhook beyond the limit with 409, creates nothing, and counts each account on its own', async () => {
      const full = await h().account();
      for (let i = 0; i < 3; i++) await createWebhook(full, { url: `https://hooks.example.test/${i}` });
      const refused = await full.api('POST', '/webhooks', { url: 'https://hooks.example.test/one-more' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'conflict');
      assert.match(refused.body.error.message, /already has 3 webhooks.*LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT/);
      assert.deepEqual(refused.body.error.details, { limit: 'webhooks_per_account', max: 3 });
      const listed = (await full.api('GET', '/webhooks')).body as Array<{ url: string }>;
      assert.deepEqual(listed.map((w) => w.url).sort(), ['https://hooks.example.test/0', 'https://hooks.example.test/1', 'https://hooks.example.test/2']);

      const other = await h().account();
      assert.equal((await other.api('POST', '/webhooks', { url: 'https://hooks.example.test/other' })).status, 201);

      // Deleting one makes room again.
      const gone = await full.api('DELETE', `/webhooks/${(listed[0] as unknown as { _id: string })._id}`);
      assert.equal(gone.status, 200);
      assert.equal((await full.api('POST', '/webhooks', { url: 'https://hooks.example.test/again' })).status, 201);
    });

    it('lets concurrent creations together stay within the limit', async () => {
      const acct = await h().account();
      const actor = actorOf(acct);
      const attempts = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => createWebhookRow(h().ctx.db, actor, { url: `https://hooks.example.test/race${i}` }, h().clock.now(), 3)),
      );
      assert.deepEqual(attempts.map((a) => a.status).sort(), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
      assert.equal(((await acct.api('GET', '/webhooks')).body as unknown[]).length, 3);
    });
  });
}
