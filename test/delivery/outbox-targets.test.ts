// The outbox remembers an account's webhooks between writes on PostgreSQL and lets its insert check
// them (outbox-targets.ts): a webhook created, changed or disabled by another process must still
// show on this process's very next write. "Another process" is a second context and app on the same
// database, as a second API process or the CLI would be.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createContext, type AppContext } from '../../src/context.ts';
import { createApp } from '../../src/http/app.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';

for (const dialect of DIALECTS) {
  describe(`outbox webhooks seen across processes [${dialect}]`, () => {
    const h = useHarness(dialect);
    let other: { ctx: AppContext; app: FastifyInstance };

    before(async () => {
      const ctx = await createContext(h().ctx.config, { clock: h().clock });
      other = { ctx, app: await createApp(ctx) };
    });
    after(async () => {
      await other.app.close();
      await other.ctx.close();
    });

    it('sends the next write to the webhooks as another process left them: created, disabled, filter and key changed', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const auth = { authorization: `Bearer ${acct.apiKey}` };
      const elsewhere = async (method: string, url: string, body: unknown) => {
        const answer = await call(other.app, method, `/api/v1${url}`, body, auth);
        assert.ok(answer.status < 300, JSON.stringify(answer.body));
        return answer.body;
      };
      const first = (await acct.api('POST', '/webhooks', { url: 'https://example.test/a' })).body;
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id })).body;
      // The deliveries of the lead's activity number `seq`.
      const deliveredTo = (seq: number) =>
        h().ctx.db.selectFrom('deliveries').select(['webhook_id', 'body']).where('lead_id', '=', lead._id).where('lead_seq', '=', seq).execute();
      assert.deepEqual((await deliveredTo(1)).map((r) => r.webhook_id), [first._id]);

      const second = await elsewhere('POST', '/webhooks', { url: 'https://example.test/b' });
      await acct.api('PUT', `/leads/${lead._id}`, { size: 1 });
      assert.deepEqual((await deliveredTo(2)).map((r) => r.webhook_id).sort(), [first._id, second._id].sort());

      await elsewhere('PUT', `/webhooks/${first._id}`, { enabled: false });
      await acct.api('PUT', `/leads/${lead._id}`, { size: 2 });
      assert.deepEqual((await deliveredTo(3)).map((r) => r.webhook_id), [second._id]);

      await elsewhere('PUT', `/webhooks/${second._id}`, { events: ['lead:name_changed'] });
      await acct.api('PUT', `/leads/${lead._id}`, { size: 3 });
      assert.deepEqual(await deliveredTo(4), [], 'lead:size_changed no longer matches its filter');

      await elsewhere('PUT', `/webhooks/${second._id}`, { events: ['*'], handshake_key: 'k-1' });
      await acct.api('PUT', `/leads/${lead._id}`, { size: 4 });
      const [keyed] = await deliveredTo(5);
      assert.equal(JSON.parse(keyed!.body).handshake_key, 'k-1');
      const recorded = (await acct.api('GET', `/leads/${lead._id}/activities?order=asc`)).body as Array<{ type: string }>;
      assert.equal(recorded.length, 5, 'every activity is recorded, also when the remembered webhooks were out of date');
    });
  });
}
