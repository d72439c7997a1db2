// The operator's tools on one webhook: the delivery log filtered by event type, time and lead;
// "send example" of a chosen activity type; revealing the current signing secret after the password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIVITY_TYPES } from '../../src/activities/catalogue.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter } from '../helpers/webhooks.ts';

const OWNER_PASSWORD = 'correct horse battery'; // the harness's account owners

for (const dialect of DIALECTS) {
  describe(`webhook operator tools [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });

    it('filters the delivery log by event type, time window and lead, each alone and together', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://hooks.example.test/in' });
      const start = h().clock.now().getTime();
      const acme = await createLead(acct, 'Acme');
      h().clock.advance(60_000);
      const globex = await createLead(acct, 'Globex');
      h().clock.advance(60_000);
      const pipe = await acct.pipeline();
      assert.equal((await acct.api('PUT', `/leads/${acme._id}`, { stage_id: pipe.stages[1]!._id })).status, 200);
      const list = async (query: string) => {
        const response = await acct.api('GET', `/webhooks/${hook._id}/deliveries?${query}`);
        assert.equal(response.status, 200, JSON.stringify(response.body));
        return (response.body as Array<{ type: string; activity_id: string; created_at: string }>).map((d) => d.type);
      };
      assert.deepEqual(await list(''), ['lead:moved', 'lead:created', 'lead:created']);
      assert.deepEqual(await list('type=lead:moved'), ['lead:moved']);
      assert.deepEqual(await list(`lead_id=${acme._id}`), ['lead:moved', 'lead:created']);
      assert.deepEqual(await list(`lead_id=${globex._id}`), ['lead:created']);
      assert.deepEqual(await list(`lead_id=${globex._id}&type=lead:moved`), []);
      const iso = (ms: number) => new Date(ms).toISOString();
      assert.deepEqual(await list(`from=${iso(start + 60_000)}`), ['lead:moved', 'lead:created'], 'from is inclusive');
      assert.deepEqual(await list(`to=${iso(start + 60_000)}`), ['lead:created', 'lead:created'], 'to is inclusive');
      assert.deepEqual(await list(`from=${iso(start + 30_000)}&to=${iso(start + 90_000)}&lead_id=${globex._id}`), ['lead:created']);
      assert.deepEqual(await list(`status=pending&type=lead:created&lead_id=${acme._id}`), ['lead:created']);
      for (const bad of ['type=lead:nope', 'from=yesterday', 'lead_id=42']) {
        assert.equal((await acct.api('GET', `/webhooks/${hook._id}/deliveries?${bad}`)).status, 400, bad);
      }
      const other = await h().account();
      const otherLead = await createLead(other, 'Elsewhere');
      assert.deepEqual(await list(`lead_id=${otherLead._id}`), [], "another account's lead matches nothing");
    });

    it('sends the catalogue example of any of the 33 types as a test delivery, and webhook:test without a type', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://hooks.example.test/in', events: ['lead:created'], handshake_key: 'hk' });
      const catalogue = (await acct.api('GET', '/event-types')).body as Array<{ type: string; example: { activity: Record<string, unknown>; lead: unknown } }>;
      assert.equal(catalogue.length, ACTIVITY_TYPES.length);
      const now = h().clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (const type of ACTIVITY_TYPES) {
        const sent = await acct.api('POST', `/webhooks/${hook._id}/test`, { type });
        assert.equal(sent.status, 202, `${type}: ${JSON.stringify(sent.body)}`);
        assert.equal(sent.body.type, type);
        assert.equal(sent.body.test, true);
        const row = await h().ctx.db.selectFrom('deliveries').select('body').where('id', '=', sent.body._id).executeTakeFirstOrThrow();
        const body = JSON.parse(row.body);
        const example = catalogue.find((t) => t.type === type)!.example;
        const { _id, created_at, user, ...fields } = body.activity;
        const { _id: _e, created_at: _c, user: _u, ...exampleFields } = example.activity;
        assert.deepEqual(fields, exampleFields, type);
        assert.deepEqual(Object.keys(body.activity), Object.keys(example.activity), `${type}: the key order of a real payload`);
        assert.equal(_id, sent.body.activity_id);
        assert.equal(created_at, now);
        assert.deepEqual(user, { _id: acct.userId, name: acct.ownerName, photo_url: null });
        assert.deepEqual(body.lead, example.lead);
        assert.equal(body.handshake_key, 'hk');
      }
      const plain = await acct.api('POST', `/webhooks/${hook._id}/test`);
      assert.equal(plain.status, 202);
      assert.equal(plain.body.type, 'webhook:test');
      assert.equal((await acct.api('POST', `/webhooks/${hook._id}/test`, { type: 'webhook:test' })).status, 400);
      assert.equal((await acct.api('POST', `/webhooks/${hook._id}/test`, { type: 'lead:nope' })).status, 400);
      const logged = (await acct.api('GET', `/webhooks/${hook._id}/deliveries?type=lead:won`)).body;
      assert.equal(logged.length, 1);
      assert.equal(logged[0].test, true);
    });

    it('reveals the current signing secret to an admin who gives their password, brakes guessing, and shows it to nobody else', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://hooks.example.test/in' });
      const path = `/webhooks/${hook._id}/reveal-secret`;
      const revealed = await acct.api('POST', path, { password: OWNER_PASSWORD });
      assert.equal(revealed.status, 200);
      assert.deepEqual(revealed.body, { secret: hook.secret });
      assert.equal(revealed.headers['cache-control'], 'no-store');
      const wrong = await acct.api('POST', path, { password: 'not it' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.details[0].field, 'password');
      assert.equal(JSON.stringify(wrong.body).includes(hook.secret), false);
      assert.equal((await acct.api('POST', path, {})).status, 400);
      const rotated = (await acct.api('POST', `/webhooks/${hook._id}/rotate-secret`)).body;
      assert.deepEqual((await acct.api('POST', path, { password: OWNER_PASSWORD })).body, { secret: rotated.secret }, 'the current one after a rotation');

      for (let i = 0; i < 10; i += 1) assert.equal((await acct.api('POST', path, { password: `guess ${i}` })).status, 400);
      const braked = await acct.api('POST', path, { password: OWNER_PASSWORD });
      assert.equal(braked.status, 429, 'ten wrong passwords brake even the right one');
      assert.equal(JSON.stringify(braked.body).includes(rotated.secret), false);
      h().clock.advance(15 * 60_000);
      assert.equal((await acct.api('POST', path, { password: OWNER_PASSWORD })).status, 200, 'until the window has passed');

      const member = (await acct.api('POST', '/users', { name: 'Mem', email: `mem-reveal-${dialect}@example.test`, role: 'member', password: 'member password 1' })).body;
      const asMember = await call(h().app, 'POST', path, { password: 'member password 1' }, { authorization: `Bearer ${member.api_key}` });
      assert.equal(asMember.status, 403);
      const other = await h().account();
      assert.equal((await other.api('POST', path, { password: OWNER_PASSWORD })).status, 404);
    });
  });
}
