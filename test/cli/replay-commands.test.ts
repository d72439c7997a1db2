// `leadhook webhooks replay-missing | audit | self-heal` against the database a server uses.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createLead, createWebhook } from '../helpers/webhooks.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/leadhook.js', import.meta.url).pathname;

function leadhook(h: Harness, ...args: string[]) {
  const env = { ...process.env, LEADHOOK_DATA_DIR: h.ctx.config.dataDir, DATABASE_URL: h.ctx.config.databaseUrl ?? '' };
  return run(process.execPath, [BIN, ...args], { env });
}

for (const dialect of DIALECTS) {
  describe(`replay and audit commands [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV);

    it('replays what a disabled webhook missed, once, and audits it', async () => {
      const acct = await h().account();
      const webhook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hooks', enabled: false });
      const lead = await createLead(acct, 'Missed');
      await acct.api('PUT', `/webhooks/${webhook._id}`, { enabled: true });

      const audited = JSON.parse((await leadhook(h(), 'webhooks', 'audit', webhook._id, '--from', '2000-01-01', '--json')).stdout);
      assert.deepEqual(audited.totals, { expected: 1, succeeded: 0, pending: 0, failed: 0, not_attempted: 1 });
      assert.equal(audited.digest, createHash('sha256').update('').digest('hex'));
      const [created] = audited.events;
      assert.equal(created.type, 'lead:created');

      const first = await leadhook(h(), 'webhooks', 'replay-missing', webhook._id, '--from', '2000-01-01');
      assert.match(first.stdout, /^1 deliveries queued, 0 activities already had one \(of 1 matching the filter\)/m);
      const again = await leadhook(h(), 'webhooks', 'replay-missing', webhook._id, '--from', '2000-01-01');
      assert.match(again.stdout, /^0 deliveries queued, 1 activities already had one/m);
      const rows = await h().ctx.db.selectFrom('deliveries').select(['activity_id', 'status']).where('webhook_id', '=', webhook._id).execute();
      assert.deepEqual(rows, [{ activity_id: created.id, status: 'pending' }]);
      assert.equal(lead.name, 'Missed');

      const printed = (await leadhook(h(), 'webhooks', 'audit', webhook._id, '--from', '2000-01-01')).stdout;
      assert.match(printed, new RegExp(`^${created.id} .* pending +lead:created$`, 'm'));
      assert.match(printed, /^expected 1: succeeded 0, pending 1, failed 0, not attempted 0$/m);
    });

    it('turns self-heal on and off', async () => {
      const acct = await h().account();
      const webhook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hooks' });
      assert.equal(webhook.self_heal, false);
      await leadhook(h(), 'webhooks', 'self-heal', webhook._id, 'on');
      assert.equal((await acct.api('GET', `/webhooks/${webhook._id}`)).body.self_heal, true);
      await leadhook(h(), 'webhooks', 'self-heal', webhook._id, 'off');
      assert.equal((await acct.api('GET', `/webhooks/${webhook._id}`)).body.self_heal, false);
    });
  });
}
