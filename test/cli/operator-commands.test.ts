import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness, type Harness } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createLead, createWebhook } from '../helpers/webhooks.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/leadhook.js', import.meta.url).pathname;

function leadhook(h: Harness, ...args: string[]) {
  const env = { ...process.env, LEADHOOK_DATA_DIR: h.ctx.config.dataDir, DATABASE_URL: h.ctx.config.databaseUrl ?? '' };
  return run(process.execPath, [BIN, ...args], { env });
}

for (const dialect of DIALECTS) {
  describe(`operator commands [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV);

    it('lists webhooks and recovers their failed deliveries', async () => {
      const acct = await h().account();
      const webhook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hooks' });
      await createLead(acct, 'One');
      await createLead(acct, 'Two');
      // Both deliveries have failed for good (as after their last attempt).
      await h().ctx.db.updateTable('deliveries').set({ status: 'failed' }).where('webhook_id', '=', webhook._id).execute();

      const listed = JSON.parse((await leadhook(h(), 'webhooks', 'list', '--account', acct.accountId, '--json')).stdout);
      assert.deepEqual(listed, [
        { id: webhook._id, account_id: acct.accountId, url: 'http://127.0.0.1:9/hooks', enabled: true, disabled_reason: null, events: ['*'], ordering: 'none', failed: 2, paused_until: null, max_rate_per_second: null },
      ]);
      // A receiver's pause and the owner's rate show in the text listing (docs/WEBHOOKS.md, "Back-pressure").
      const pausedUntil = Date.now() + 3_600_000;
      await h().ctx.db.updateTable('webhooks').set({ paused_until: pausedUntil, max_rate_per_second: 3 }).where('id', '=', webhook._id).execute();
      const text = (await leadhook(h(), 'webhooks', 'list', '--account', acct.accountId)).stdout;
      assert.ok(text.includes(`paused by the receiver until ${new Date(pausedUntil).toISOString()}  max 3/s`), text);

      const recovered = await leadhook(h(), 'webhooks', 'recover', webhook._id, '--since', '2000-01-01');
      assert.match(recovered.stdout, /^2 deliveries requeued/m);
      const statuses = await h().ctx.db.selectFrom('deliveries').select('status').where('webhook_id', '=', webhook._id).execute();
      assert.deepEqual(statuses.map((d) => d.status), ['pending', 'pending']);
    });

    it('refuses to recover an unknown webhook', async () => {
      const failure = await leadhook(h(), 'webhooks', 'recover', 'ffffffffffffffffffffffff', '--since', '2000-01-01').then(
        () => assert.fail('should fail'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 2);
      assert.match(failure.stderr, /no webhook ffffffffffffffffffffffff/);
    });

    it('issues a new API key for a user by email', async () => {
      const acct = await h().account();
      const me = await acct.api('GET', '/me');
      const { stdout } = await leadhook(h(), 'keys', 'create', '--email', me.body.email);
      const key = stdout.trim();
      assert.match(key, /^lh_[A-Za-z0-9_-]{43}$/);
      const response = await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${key}` });
      assert.equal(response.status, 200);
      assert.equal(response.body._id, acct.userId);
    });
  });
}
