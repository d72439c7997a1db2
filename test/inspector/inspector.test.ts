import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Resolver } from '../../src/delivery/address-guard.ts';
import { defaultConnector, type ConnectorFactory } from '../../src/delivery/send-request.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { allEventSchemas } from '../../src/receiver/index.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { createLead, createWebhook, deliveriesOf, record } from '../helpers/webhooks.ts';
import { createInboxAwareWorker } from './inbox-worker.ts';

const PUBLIC_URL = 'https://leadhook.example.test';
const HOUR = 3_600_000;

/** Every host name the delivery sender asked about, and every address it would have dialled. */
const looked: string[] = [];
const dialled: string[] = [];
const recordingResolver: Resolver = async (hostname) => {
  looked.push(hostname);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const recordingConnector: ConnectorFactory = (lookup, timeout) =>
  defaultConnector((hostname, options, callback) => {
    dialled.push(hostname);
    lookup(hostname, options, callback);
  }, timeout);

for (const dialect of DIALECTS) {
  describe(`inspector inboxes [${dialect}]`, () => {
    // The per-address limit has its own suite below; these tests post more than its default.
    const h = useHarness(dialect, { LEADHOOK_PUBLIC_URL: PUBLIC_URL, LEADHOOK_INBOX_RATE_LIMIT: '0' }, { overrides: () => ({ resolver: recordingResolver, connector: recordingConnector, random: () => 0.5 }) });
    let worker: DeliveryWorker | undefined;
    let plainWorker: DeliveryWorker | undefined;
    after(async () => {
      await worker?.stop(0);
      await plainWorker?.stop(0);
    });
    const inboxWorker = () => (worker ??= createInboxAwareWorker(h(), recordingResolver, recordingConnector));
    const guardOnlyWorker = () => (plainWorker ??= createInboxAwareWorker(h(), recordingResolver, recordingConnector, false));
    const tokenOf = (url: string) => url.slice(`${PUBLIC_URL}/inbox/`.length);

    it('creates an inbox under the public URL that records what is POSTed to it, for 24 hours', async () => {
      const acct = await h().account();
      const created = await acct.api('POST', '/inspector/inboxes', {});
      assert.equal(created.status, 201);
      assert.match(created.body.url, /^https:\/\/leadhook\.example\.test\/inbox\/[A-Za-z0-9_-]{32}$/);
      assert.equal(Date.parse(created.body.expires_at) - h().clock.now().getTime(), 24 * HOUR);

      const posted = await h().app.inject({ method: 'POST', url: `/inbox/${tokenOf(created.body.url)}`, headers: { 'content-type': 'text/plain', 'x-probe': 'yes' }, payload: 'hello inbox' });
      assert.equal(posted.statusCode, 200);
      const requests = (await acct.api('GET', `/inspector/inboxes/${created.body._id}/requests`)).body;
      assert.equal(requests.length, 1);
      assert.equal(requests[0].method, 'POST');
      assert.equal(requests[0].source, 'http');
      assert.equal(requests[0].body, 'hello inbox');
      assert.equal(requests[0].headers['x-probe'], 'yes');
      assert.equal(requests[0].received_at, h().clock.now().toISOString());
      assert.deepEqual(requests[0].signature, { status: 'no_webhook' });

      const newer = await acct.api('GET', `/inspector/inboxes/${created.body._id}/requests?after=${requests[0]._id}`);
      assert.deepEqual(newer.body, []);

      h().clock.advance(24 * HOUR);
      assert.equal((await acct.api('GET', `/inspector/inboxes/${created.body._id}`)).status, 404);
      const late = await h().app.inject({ method: 'POST', url: `/inbox/${tokenOf(created.body.url)}`, payload: 'late' });
      assert.equal(late.statusCode, 410);
      assert.equal((await h().app.inject({ method: 'POST', url: '/inbox/not-a-token', payload: 'x' })).statusCode, 404);
    });

    it('records real deliveries in-process, without resolving or dialling the public URL, with a valid signature', async () => {
      const acct = await h().account();
      const inbox = (await acct.api('POST', '/inspector/inboxes', {})).body;
      const hook = await createWebhook(acct, { url: inbox.url, handshake_key: 'hk' });
      const lead = await createLead(acct, 'Inspected');
      await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'Seen' } }]);
      looked.length = 0;
      dialled.length = 0;
      await inboxWorker().drain();

      assert.deepEqual(looked, []);
      assert.deepEqual(dialled, []);
      const deliveries = await deliveriesOf(acct, hook._id);
      assert.ok(deliveries.length === 2 && deliveries.every((d) => d.status === 'succeeded' && d.last_status === 200), JSON.stringify(deliveries));
      const requests = (await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body as any[];
      assert.equal(requests.length, 2);
      const note = requests.find((r) => JSON.parse(r.body).activity.type === 'note:created');
      assert.equal(note.source, 'delivery');
      assert.equal(note.headers['content-type'], 'application/json');
      assert.equal(note.headers['webhook-id'], JSON.parse(note.body).activity._id);
      assert.deepEqual(note.signature, { status: 'valid', webhook_id: hook._id });
      assert.equal(JSON.parse(note.body).handshake_key, 'hk');
    });

    it('leaves the address guard in force for the same URL when the sender does not know inboxes', async () => {
      const acct = await h().account();
      const inbox = (await acct.api('POST', '/inspector/inboxes', {})).body;
      const hook = await createWebhook(acct, { url: inbox.url });
      await createLead(acct);
      looked.length = 0;
      await guardOnlyWorker().drain();
      assert.deepEqual(looked, ['leadhook.example.test']);
      const [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(delivery.status, 'pending');
      assert.deepEqual((await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body, []);
    });

    it('reports a signature made with another secret as invalid', async () => {
      const acct = await h().account();
      const other = await createWebhook(acct, { url: 'https://elsewhere.example.test/hook', enabled: false });
      const inbox = (await acct.api('POST', '/inspector/inboxes', { webhook_id: other._id })).body;
      await createWebhook(acct, { url: inbox.url });
      await createLead(acct);
      await inboxWorker().drain();
      const [request] = (await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body;
      assert.equal(request.signature.status, 'invalid');
      assert.equal(request.signature.code, 'invalid_signature');
      assert.equal(request.signature.webhook_id, other._id);
    });

    it('records, in one click, what an attached webhook would receive: its event types, signed with its secret', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'https://crm.example.test/hook', events: ['lead:moved', 'note:created'], handshake_key: 'k' });
      const inbox = (await acct.api('POST', '/inspector/inboxes', { webhook_id: hook._id })).body;
      assert.equal(inbox.webhook_id, hook._id);
      assert.deepEqual((await acct.api('GET', `/inspector/inboxes?webhook_id=${hook._id}`)).body.map((i: any) => i._id), [inbox._id]);
      const samples = await acct.api('POST', `/inspector/inboxes/${inbox._id}/samples`);
      assert.deepEqual(samples.body, { recorded: 2 });
      const requests = (await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body as any[];
      const schemas = allEventSchemas();
      const ajv = new Ajv2020();
      assert.deepEqual(requests.map((r) => JSON.parse(r.body).activity.type).sort(), ['lead:moved', 'note:created']);
      for (const request of requests) {
        assert.deepEqual(request.signature, { status: 'valid', webhook_id: hook._id });
        const body = JSON.parse(request.body);
        assert.equal(ajv.validate(schemas[body.activity.type]!, body), true);
        assert.equal(body.handshake_key, 'k');
      }
      const bare = (await acct.api('POST', '/inspector/inboxes', {})).body;
      assert.equal((await acct.api('POST', `/inspector/inboxes/${bare._id}/samples`)).status, 409);
    });

    it('keeps the newest 100 requests and cuts bodies at 256 KiB (not signature-checked then)', async () => {
      const acct = await h().account();
      const inbox = (await acct.api('POST', '/inspector/inboxes', {})).body;
      const url = `/inbox/${tokenOf(inbox.url)}`;
      for (let i = 0; i < 101; i += 1) {
        assert.equal((await h().app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: `n${i}` })).statusCode, 200);
      }
      const nul = await h().app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'a\u0000b' });
      assert.equal(nul.statusCode, 200, 'NUL is stored on PostgreSQL too (as U+FFFD)');
      const big = await h().app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(300 * 1024)}"` });
      assert.equal(big.statusCode, 200);
      const requests = (await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body as any[];
      assert.equal(requests.length, 100);
      assert.equal(requests[0].body_truncated, true);
      assert.equal(requests[0].body.length, 256 * 1024);
      assert.equal(requests[0].body_bytes, 300 * 1024 + 2);
      assert.equal(requests[1].body, 'a\uFFFDb');
      assert.ok(!requests.some((r) => ['n0', 'n1', 'n2'].includes(r.body)), 'the oldest were dropped');
      assert.equal(requests[99].body, 'n3');
    });

    it('is tenant-isolated and admin-only; inputs are validated', async () => {
      const owner = await h().account();
      const stranger = await h().account();
      const inbox = (await owner.api('POST', '/inspector/inboxes', {})).body;
      assert.equal((await stranger.api('GET', `/inspector/inboxes/${inbox._id}`)).status, 404);
      assert.equal((await stranger.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).status, 404);
      assert.equal((await stranger.api('DELETE', `/inspector/inboxes/${inbox._id}`)).status, 404);
      assert.deepEqual((await stranger.api('GET', '/inspector/inboxes')).body, []);
      const foreignHook = await createWebhook(owner, { url: 'https://crm.example.test/a' });
      assert.equal((await stranger.api('POST', '/inspector/inboxes', { webhook_id: foreignHook._id })).status, 404);
      assert.equal((await owner.api('POST', '/inspector/inboxes', { webhook_id: 'nope' })).status, 400);
      assert.equal((await owner.api('POST', '/inspector/inboxes', { webhook_id: 5 })).status, 400);

      const member = (await owner.api('POST', '/users', { name: 'Mem', email: `mem-insp-${dialect}-${Date.now()}@example.test`, role: 'member' })).body;
      const asMember = await call(h().app, 'GET', '/inspector/inboxes', undefined, { authorization: `Bearer ${member.api_key}` });
      assert.equal(asMember.status, 403);

      assert.equal((await owner.api('DELETE', `/inspector/inboxes/${inbox._id}`)).status, 204);
      assert.equal((await owner.api('GET', `/inspector/inboxes/${inbox._id}`)).status, 404);
    });

    it('bounds the inboxes an account holds, and frees expired ones', async () => {
      const acct = await h().account();
      for (let i = 0; i < 20; i += 1) assert.equal((await acct.api('POST', '/inspector/inboxes', {})).status, 201);
      assert.equal((await acct.api('POST', '/inspector/inboxes', {})).status, 409);
      h().clock.advance(24 * HOUR);
      assert.equal((await acct.api('POST', '/inspector/inboxes', {})).status, 201);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`inspector inbox rate limit [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_PUBLIC_URL: PUBLIC_URL, LEADHOOK_INBOX_RATE_LIMIT: '3' });

    it('answers 429 with Retry-After past the per-address limit, records nothing more, and leaves other addresses alone', async () => {
      const acct = await h().account();
      const inbox = (await acct.api('POST', '/inspector/inboxes', {})).body;
      const url = `/inbox/${inbox.url.slice(`${PUBLIC_URL}/inbox/`.length)}`;
      const post = (remoteAddress: string, payload: string) =>
        h().app.inject({ method: 'POST', url, remoteAddress, headers: { 'content-type': 'text/plain' }, payload });
      for (let i = 0; i < 3; i += 1) assert.equal((await post('127.0.0.7', `ok${i}`)).statusCode, 200);
      const refused = await post('127.0.0.7', 'too many');
      assert.equal(refused.statusCode, 429);
      assert.ok(Number(refused.headers['retry-after']) > 0, 'says when to come back');
      assert.match(refused.json().message, /per minute/);
      assert.equal((await post('127.0.0.8', 'another caller')).statusCode, 200);

      const bodies = ((await acct.api('GET', `/inspector/inboxes/${inbox._id}/requests`)).body as Array<{ body: string }>).map((r) => r.body);
      assert.deepEqual(bodies.sort(), ['another caller', 'ok0', 'ok1', 'ok2']);
    });
  });
}
