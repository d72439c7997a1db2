import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { ACTIVITY_CATALOGUE, ACTIVITY_TYPES, type ActivityChange } from '../../src/activities/catalogue.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { useFreshReceiver, verifySignature } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);
/** The API's time format: whole seconds, `Z`. */
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

for (const dialect of DIALECTS) {
  describe(`delivery [${dialect}]`, () => {
    const h = useHarness(dialect, { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '800' }, { overrides: noJitter, clockStart: START });
    const fresh = useFreshReceiver();

    it('delivers all 33 activity types with the exact §3 body and a signature standardwebhooks verifies', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), handshake_key: 'gfhkd1asfsa' });
      assert.match(hook.secret, /^whsec_/);
      const lead = await createLead(acct, 'Webhook T');
      const others = ACTIVITY_TYPES.filter((t) => t !== 'lead:created');
      for (const type of others) {
        await record(h(), acct, lead._id, [{ type, fields: ACTIVITY_CATALOGUE[type].example } as ActivityChange]);
      }
      await h().worker().drain();

      assert.equal(receiver.requests.length, 33);
      const byType = new Map(receiver.requests.map((r) => [JSON.parse(r.body).activity.type as string, r]));
      assert.deepEqual([...byType.keys()].sort(), [...ACTIVITY_TYPES].sort());
      const activities = (await acct.api('GET', `/leads/${lead._id}/activities?size=100`)).body as Array<{ _id: string; type: string }>;
      for (const type of ACTIVITY_TYPES) {
        const req = byType.get(type)!;
        const id = activities.find((a) => a.type === type)!._id;
        const fields = type === 'lead:created' ? {} : ACTIVITY_CATALOGUE[type].example;
        const expected = {
          activity: {
            _id: id,
            created_at: '2026-01-05T09:00:00Z',
            ...fields,
            type,
            user: { _id: acct.userId, name: acct.ownerName, photo_url: null },
          },
          lead: {
            _id: lead._id,
            name: 'Webhook T',
            stage: { _id: lead.stage._id, name: 'Lead In' },
            pipe: { _id: lead.pipeline._id, name: 'Default' },
          },
          handshake_key: 'gfhkd1asfsa',
        };
        assert.equal(req.body, JSON.stringify(expected), type);
        assert.equal(req.method, 'POST');
        assert.equal(req.headers['content-type'], 'application/json');
        assert.equal(req.headers['user-agent'], `leadhook/${VERSION}`);
        assert.equal(req.headers['webhook-id'], id);
        assert.equal(req.headers['webhook-timestamp'], String(START / 1000));
        assert.deepEqual(verifySignature(hook.secret, req), expected);
      }
      const deliveries = await deliveriesOf(acct, hook._id);
      assert.equal(deliveries.length, 33);
      assert.ok(deliveries.every((d) => d.status === 'succeeded' && d.attempts === 1 && d.last_status === 200));
    });

    it('omits handshake_key when the webhook has none and honours the event filter', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const all = await createWebhook(acct, { url: receiver.url('/all') });
      const notesOnly = await createWebhook(acct, { url: receiver.url('/notes'), events: ['note:created'], handshake_key: 'k' });
      assert.deepEqual(notesOnly.events, ['note:created']);
      assert.deepEqual(all.events, ['*']);
      const lead = await createLead(acct);
      await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'hi' } }]);
      await h().worker().drain();
      const paths = receiver.requests.map((r) => `${r.path} ${JSON.parse(r.body).activity.type}`).sort();
      assert.deepEqual(paths, ['/all lead:created', '/all note:created', '/notes note:created']);
      for (const req of receiver.requests) {
        const body = JSON.parse(req.body);
        if (req.path === '/all') assert.equal('handshake_key' in body, false);
        else assert.equal(body.handshake_key, 'k');
      }
    });

    it('retries a 500 on the schedule with the same bytes and webhook-id, then fails after the last attempt', async () => {
      const receiver = await fresh();
      receiver.behave((_req, res) => res.writeHead(500).end('boom'));
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), retry_schedule: [5, 300] });
      await createLead(acct);
      const worker = h().worker();
      await worker.drain();
      assert.equal(receiver.requests.length, 1);
      let [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(delivery.status, 'pending');
      assert.equal(delivery.attempts, 1);
      assert.equal(delivery.last_status, 500);
      assert.equal(delivery.next_attempt_at, iso(h().clock.now().getTime() + 5000));

      h().clock.advance(4_999);
      await worker.drain();
      assert.equal(receiver.requests.length, 1, 'not before the scheduled delay');
      h().clock.advance(1);
      await worker.drain();
      assert.equal(receiver.requests.length, 2);
      h().clock.advance(300_000);
      await worker.drain();
      assert.equal(receiver.requests.length, 3);
      h().clock.advance(10 * 86_400_000);
      await worker.drain();
      assert.equal(receiver.requests.length, 3, 'no attempt after the last');

      const [first, second, third] = receiver.requests;
      assert.equal(second!.body, first!.body);
      assert.equal(third!.body, first!.body);
      assert.equal(second!.headers['webhook-id'], first!.headers['webhook-id']);
      assert.equal(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp']), 5);
      for (const req of receiver.requests) verifySignature(hook.secret, req);
      [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.attempts, 3);
      assert.equal(delivery.next_attempt_at, null);

      const detail = (await acct.api('GET', `/deliveries/${delivery._id}`)).body;
      assert.deepEqual(detail.attempt_records.map((a: any) => [a.attempt, a.succeeded, a.response.status, a.error.category]), [
        [1, false, 500, 'http_status'],
        [2, false, 500, 'http_status'],
        [3, false, 500, 'http_status'],
      ]);
      assert.equal(detail.attempt_records[0].request.headers['webhook-signature'], '[redacted]');
      assert.equal(detail.attempt_records[0].response.body, 'boom');
      assert.equal(detail.attempt_records[0].remote_address, '127.0.0.1');
    });

    it('does not follow a redirect (category redirect)', async () => {
      const receiver = await fresh();
      receiver.behave((req, res) => (req.path === '/moved' ? res.writeHead(302, { location: receiver.url('/elsewhere') }).end() : res.writeHead(200).end()));
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url('/moved') });
      await createLead(acct);
      await h().worker().drain();
      assert.deepEqual(receiver.requests.map((r) => r.path), ['/moved']);
      const errors = (await acct.api('GET', `/error-log?webhook_id=${hook._id}`)).body;
      assert.equal(errors.length, 1);
      assert.equal(errors[0].category, 'redirect');
      assert.equal(errors[0].status, 302);
    });

    it('disables the webhook at once on 410 Gone and fails its pending deliveries', async () => {
      const receiver = await fresh();
      receiver.behave((_req, res) => res.writeHead(410).end('gone'));
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url() });
      const lead = await createLead(acct);
      await h().worker().drain();
      const after410 = (await acct.api('GET', `/webhooks/${hook._id}`)).body;
      assert.equal(after410.enabled, false);
      assert.match(after410.disabled_reason, /410 Gone/);
      // New activities no longer queue deliveries for it.
      await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'x' } }]);
      await h().worker().drain();
      assert.equal(receiver.requests.length, 1);
      const deliveries = await deliveriesOf(acct, hook._id);
      assert.deepEqual(deliveries.map((d) => [d.status, d.attempts]), [['failed', 1]]);
      const emails = (await acct.api('GET', '/email-outbox')).body;
      assert.equal(emails.length, 1);
      assert.match(emails[0].subject, /webhook disabled/);
      assert.equal(emails[0].status, 'stored');
    });

    // Retry-After moves the retry within twice the scheduled delay (docs/SPEC.md §4); the endpoint's
    // pause (docs/WEBHOOKS.md, "Back-pressure") never holds it past that.
    for (const [retryAfter, expectedDelayS] of [
      ['7', 7],
      ['60', 10],
      ['1', 5],
    ] as const) {
      it(`honours Retry-After: ${retryAfter} on a 429 (scheduled 5 s → ${expectedDelayS} s)`, async () => {
        const receiver = await fresh();
        receiver.behave((_req, res) => res.writeHead(429, { 'retry-after': retryAfter }).end());
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url() });
        await createLead(acct);
        const sentAt = h().clock.now().getTime();
        await h().worker().drain();
        const [delivery] = await deliveriesOf(acct, hook._id);
        assert.equal(delivery.next_attempt_at, iso(sentAt + expectedDelayS * 1000));
        h().clock.advance(expectedDelayS * 1000 - 1);
        await h().worker().drain();
        assert.equal(receiver.requests.length, 1);
        receiver.behave((_req, res) => res.writeHead(204).end());
        h().clock.advance(1);
        await h().worker().drain();
        assert.equal(receiver.requests.length, 2);
        assert.equal((await deliveriesOf(acct, hook._id))[0].status, 'succeeded');
      });
    }

    it('categorises a timeout, a connection reset and an oversized response', async () => {
      const receiver = await fresh();
      receiver.behave((req, res) => {
        if (req.path === '/hang') return; // never answers
        if (req.path === '/reset') return req.headers && res.socket?.destroy();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(200_000));
      });
      const acct = await h().account();
      const hang = await createWebhook(acct, { url: receiver.url('/hang') });
      const reset = await createWebhook(acct, { url: receiver.url('/reset') });
      const big = await createWebhook(acct, { url: receiver.url('/big') });
      await createLead(acct);
      await h().worker().drain();
      const categories: Record<string, string> = {};
      for (const hook of [hang, reset, big]) {
        const [entry] = (await acct.api('GET', `/error-log?webhook_id=${hook._id}`)).body;
        categories[hook.url as string] = entry.category;
      }
      assert.deepEqual(categories, {
        [receiver.url('/hang')]: 'timeout',
        [receiver.url('/reset')]: 'reset',
        [receiver.url('/big')]: 'response_too_large',
      });
      const [bigDelivery] = await deliveriesOf(acct, big._id);
      const detail = (await acct.api('GET', `/deliveries/${bigDelivery._id}`)).body;
      assert.equal(detail.attempt_records[0].response.truncated, true);
      assert.equal(detail.attempt_records[0].response.body.length, 65_536);
      assert.equal(detail.status, 'pending');
    });

    it('lists every failed attempt in the Error Log with its details', async () => {
      const receiver = await fresh();
      receiver.behave((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance'));
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url(), handshake_key: 'secret-hk' });
      const lead = await createLead(acct);
      await h().worker().drain();
      const [entry, ...rest] = (await acct.api('GET', '/error-log')).body;
      assert.equal(rest.length, 0);
      const activityId = receiver.requests[0]!.headers['webhook-id'];
      assert.deepEqual(
        { ...entry, _id: undefined, delivery_id: undefined },
        {
          _id: undefined,
          delivery_id: undefined,
          time: new Date(h().clock.now()).toISOString(),
          webhook_id: hook._id,
          url: receiver.url(),
          activity_id: activityId,
          type: 'lead:created',
          attempt: 1,
          category: 'http_status',
          status: 503,
          message: 'HTTP 503',
          response_excerpt: 'maintenance',
        },
      );
      const detail = (await acct.api('GET', `/deliveries/${entry.delivery_id}`)).body;
      const sent = JSON.parse(detail.attempt_records[0].request.body);
      assert.equal(sent.handshake_key, '[redacted]');
      assert.equal(sent.lead._id, lead._id);
      const stored = await h().ctx.db.selectFrom('delivery_attempts').select('request_body').where('delivery_id', '=', entry.delivery_id).execute();
      assert.deepEqual(stored, [{ request_body: '' }], 'the attempt keeps no second copy of its delivery\'s body');
    });
  });
}
