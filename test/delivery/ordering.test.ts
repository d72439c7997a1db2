// Per-lead ordering and the lead sequence headers (docs/WEBHOOKS.md, "Order per lead", "Lead
// sequence"): one lead's deliveries go one at a time in activity order through retries, an expired
// lease and a final failure, while other leads flow; the headers let a receiver find gaps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityChange } from '../../src/activities/catalogue.ts';
import { verify } from '../../src/receiver/verify.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { useFreshReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';

const note = (content: string): ActivityChange => ({ type: 'note:created', fields: { note_content: content } }) as ActivityChange;

/** `A:lead:created`, `A:A2` (a note's content): what a request carried, named by its lead. */
function label(r: ReceivedRequest): string {
  const body = JSON.parse(r.body);
  return `${body.lead.name}:${body.activity.note_content ?? body.activity.type}`;
}

/** What each lead received, in arrival order. */
function perLead(receiver: Receiver): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of receiver.requests) {
    const [lead, what] = label(r).split(':', 2) as [string, string];
    (out[lead] ??= []).push(label(r).slice(lead.length + 1) || what);
  }
  return out;
}

const sequence = (r: ReceivedRequest) => [Number(r.headers['leadhook-lead-sequence']), Number(r.headers['leadhook-lead-previous-sequence'])];

for (const dialect of DIALECTS) {
  describe(`per-lead ordering [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });
    const fresh = useFreshReceiver();
    /** Fails the first `times` requests whose label is `failing`, answers 200 to the rest. */
    const failFirst = (r: Receiver, failing: string, times: number) => {
      let failed = 0;
      r.behave((req, res) => {
        if (label(req) === failing && failed < times) {
          failed += 1;
          res.writeHead(500).end('not yet');
        } else res.writeHead(200).end('ok');
      });
    };

    it('is off by default, set and shown through the API, and refuses an unknown value', async () => {
      const r = await fresh();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: r.url() });
      assert.equal(hook.ordering, 'none');
      const changed = await acct.api('PUT', `/webhooks/${hook._id}`, { ordering: 'per_lead' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.ordering, 'per_lead');
      assert.equal((await acct.api('GET', `/webhooks/${hook._id}`)).body.ordering, 'per_lead');
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { ordering: 'per_webhook' })).status, 400);
      const openapi = (await acct.api('GET', '/openapi.json')).body;
      assert.match(JSON.stringify(openapi), /per_lead/);
    });

    it("holds a lead's later deliveries behind its retried first one, in order, while another lead flows", async () => {
      const r = await fresh();
      failFirst(r, 'A:lead:created', 2);
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: r.url(), ordering: 'per_lead', retry_schedule: [5, 5, 5] });
      const a = await createLead(acct, 'A');
      const b = await createLead(acct, 'B');
      await record(h(), acct, a._id, [note('A2')]);
      await record(h(), acct, b._id, [note('B2')]);
      await record(h(), acct, a._id, [note('A3')]);
      await record(h(), acct, b._id, [note('B3')]);
      const worker = h().worker();

      await worker.drain();
      assert.deepEqual(perLead(r), { A: ['lead:created'], B: ['lead:created', 'B2', 'B3'] }, 'B is not held up by A');
      h().clock.advance(5_000);
      await worker.drain();
      assert.deepEqual(perLead(r).A, ['lead:created', 'lead:created']);
      h().clock.advance(5_000);
      await worker.drain();
      assert.deepEqual(perLead(r).A, ['lead:created', 'lead:created', 'lead:created', 'A2', 'A3']);
      assert.deepEqual(
        r.requests.filter((q) => label(q).startsWith('A:')).map(sequence),
        [[1, 0], [1, 0], [1, 0], [2, 1], [3, 2]],
      );
      const statuses = (await deliveriesOf(acct, hook._id)).map((d) => d.status);
      assert.deepEqual(statuses, Array(6).fill('succeeded'));
    });

    it('sends nothing more of a lead while a silent worker holds its delivery, then resends it first once the lease runs out', async () => {
      const r = await fresh();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: r.url(), ordering: 'per_lead' });
      const a = await createLead(acct, 'A');
      // A's first delivery strictly the oldest: with equal due times the claim may take B's first.
      h().clock.advance(1);
      const b = await createLead(acct, 'B');
      await record(h(), acct, a._id, [note('A2')]);
      await record(h(), acct, a._id, [note('A3')]);
      await record(h(), acct, b._id, [note('B2')]);

      // A worker claims A's first delivery (the oldest) and then goes silent: killed, or paused.
      const leaseMs = 60_000;
      const now = h().clock.now().getTime();
      const held = await h().ctx.deliveries.claim({
        lane: 'first',
        rooms: new Map([[hook._id, 1]]),
        ordered: new Set([hook._id]),
        now,
        leaseMs,
        workerId: 'worker-silent',
        leaseToken: 'worker-silent.1',
      });
      assert.deepEqual(held.map((d) => [d.type, d.lead_seq, JSON.parse(d.body).lead._id]), [['lead:created', 1, a._id]]);

      const worker = h().worker();
      await worker.drain();
      assert.deepEqual(perLead(r), { B: ['lead:created', 'B2'] }, "A's later deliveries wait for the held one; B flows");
      h().clock.advance(leaseMs - 1);
      await worker.drain();
      assert.equal(perLead(r).A, undefined, 'not before the lease runs out');
      h().clock.advance(1);
      await worker.drain();
      assert.deepEqual(perLead(r).A, ['lead:created', 'A2', 'A3']);
    });

    it("lets a lead's later deliveries go once its earlier one has finally failed, which is in the Error Log", async () => {
      const r = await fresh();
      failFirst(r, 'A:lead:created', 100);
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: r.url(), ordering: 'per_lead', retry_schedule: [5] });
      const a = await createLead(acct, 'A');
      await record(h(), acct, a._id, [note('A2')]);
      await record(h(), acct, a._id, [note('A3')]);
      const worker = h().worker();

      await worker.drain();
      assert.deepEqual(perLead(r).A, ['lead:created']);
      h().clock.advance(5_000);
      await worker.drain();
      assert.deepEqual(perLead(r).A, ['lead:created', 'lead:created', 'A2', 'A3']);
      const byType = new Map((await deliveriesOf(acct, hook._id)).map((d) => [`${d.type}:${d.status}`, d]));
      const failed = byType.get('lead:created:failed');
      assert.ok(failed, 'the first delivery failed for good');
      const log = (await acct.api('GET', `/error-log?webhook_id=${hook._id}`)).body as Array<{ delivery_id: string; attempt: number }>;
      assert.deepEqual(log.map((e) => [e.delivery_id, e.attempt]).sort(), [[failed._id, 1], [failed._id, 2]]);
    });

    it('numbers each lead’s activities and names the previous one each webhook’s filter matched, so a receiver sees a gap', async () => {
      const r = await fresh();
      const acct = await h().account();
      const all = await createWebhook(acct, { url: r.url('/all') });
      const notes = await createWebhook(acct, { url: r.url('/notes'), events: ['note:created'] });
      const lead = await createLead(acct, 'L');
      await record(h(), acct, lead._id, [note('N2')]);
      await record(h(), acct, lead._id, [{ type: 'todo:created', fields: { todo_name: 'Call', todo_type: 'Call' } } as ActivityChange]);
      await record(h(), acct, lead._id, [note('N4')]);
      await h().worker().drain();
      // These webhooks are unordered: requests may arrive in any order, so read them by number.
      const at = (path: string) => r.requests.filter((q) => q.path === path).sort((x, y) => sequence(x)[0]! - sequence(y)[0]!);
      assert.deepEqual(at('/all').map(sequence), [[1, 0], [2, 1], [3, 2], [4, 3]]);
      assert.deepEqual(at('/notes').map(sequence), [[2, 0], [4, 2]], 'the todo is not a gap for a notes-only webhook');

      // The notes webhook misses a note while disabled; the next one names it as the previous.
      assert.equal((await acct.api('PUT', `/webhooks/${notes._id}`, { enabled: false })).status, 200);
      await record(h(), acct, lead._id, [note('N5')]);
      assert.equal((await acct.api('PUT', `/webhooks/${notes._id}`, { enabled: true })).status, 200);
      await record(h(), acct, lead._id, [note('N6')]);
      await h().worker().drain();

      // A receiver keeps the last number it got per lead: with the kit's verify(), it finds the gap.
      const last = new Map<string, number>();
      const gaps: Array<[number, number]> = [];
      for (const q of at('/notes')) {
        const v = verify(q.headers, q.body, notes.secret, { now: () => h().clock.now() });
        assert.ok(v.ok && v.leadSequence !== undefined && v.previousLeadSequence !== undefined);
        const seen = last.get(v.event.lead._id) ?? 0;
        if (v.previousLeadSequence !== seen) gaps.push([seen, v.leadSequence]);
        last.set(v.event.lead._id, v.leadSequence);
      }
      assert.deepEqual(gaps, [[4, 6]], 'activity 5 is missing');
      assert.deepEqual(at('/all').slice(4).map(sequence), [[5, 4], [6, 5]], 'no gap where nothing was missed');

      // A test request describes no lead: no sequence headers.
      assert.equal((await acct.api('POST', `/webhooks/${all._id}/test`)).status, 202);
      await h().worker().drain();
      const test = r.requests.at(-1)!;
      assert.equal(JSON.parse(test.body).activity.type, 'webhook:test');
      assert.equal(test.headers['leadhook-lead-sequence'], undefined);
      assert.equal(test.headers['leadhook-lead-previous-sequence'], undefined);
    });

    it('shows in the API the sequence numbers a delivery carries, null for a test delivery and for a row older than them', async () => {
      const r = await fresh();
      const acct = await h().account();
      const notes = await createWebhook(acct, { url: r.url('/notes'), events: ['lead:created', 'note:created'] });
      const lead = await createLead(acct, 'V');
      await record(h(), acct, lead._id, [{ type: 'todo:created', fields: { todo_name: 'Call', todo_type: 'Call' } } as ActivityChange]);
      await record(h(), acct, lead._id, [note('V3')]);
      assert.equal((await acct.api('POST', `/webhooks/${notes._id}/test`)).status, 202);
      await h().worker().drain();

      type Listed = { _id: string; type: string; test: boolean; lead_sequence: number | null; previous_lead_sequence: number | null };
      const listed = (await deliveriesOf(acct, notes._id)) as Listed[];
      const numbers = (d: Listed) => [d.type, d.lead_sequence, d.previous_lead_sequence];
      assert.deepEqual(listed.map(numbers).sort(), [['lead:created', 1, 0], ['note:created', 3, 1], ['webhook:test', null, null]]);
      // The view says what the request carried.
      const sentNote = r.requests.find((q) => JSON.parse(q.body).activity.type === 'note:created')!;
      assert.deepEqual(sequence(sentNote), [3, 1]);
      const noteDelivery = listed.find((d) => d.type === 'note:created')!;
      const detail = (await acct.api('GET', `/deliveries/${noteDelivery._id}`)).body;
      assert.equal(detail.lead_sequence, 3);
      assert.equal(detail.previous_lead_sequence, 1);

      // A row written before the numbers existed has neither.
      await h().ctx.db.updateTable('deliveries').set({ lead_seq: null, lead_prev_seq: null }).where('id', '=', noteDelivery._id).execute();
      const old = (await acct.api('GET', `/deliveries/${noteDelivery._id}`)).body;
      assert.equal(old.lead_sequence, null);
      assert.equal(old.previous_lead_sequence, null);
    });

    it('keeps each lead in order while two workers claim from the same webhook at once', async () => {
      const r = await fresh();
      const acct = await h().account();
      await createWebhook(acct, { url: r.url(), ordering: 'per_lead' });
      const names = ['P', 'R', 'S', 'T'];
      for (const name of names) {
        const lead = await createLead(acct, name);
        for (let i = 2; i <= 8; i += 1) await record(h(), acct, lead._id, [note(`${name}${i}`)]);
      }
      const [one, two] = [h().ctx.createWorker(), h().ctx.createWorker()];
      try {
        await Promise.all([one.drain(), two.drain()]);
        await one.drain();
      } finally {
        await Promise.all([one.stop(0), two.stop(0)]);
      }
      const got = perLead(r);
      for (const name of names) assert.deepEqual(got[name], ['lead:created', ...[2, 3, 4, 5, 6, 7, 8].map((i) => `${name}${i}`)], name);
    });

    it('a running worker sends the next delivery of a lead as soon as the previous one is recorded, not at the next poll', async () => {
      const r = await fresh();
      const acct = await h().account();
      await createWebhook(acct, { url: r.url(), ordering: 'per_lead' });
      const lead = await createLead(acct, 'Q');
      for (let i = 2; i <= 12; i += 1) await record(h(), acct, lead._id, [note(`Q${i}`)]);
      // The poll is far off: only the worker's own wake-ups move the lead on.
      const worker = h().ctx.createWorker({ pollIntervalMs: 600_000 });
      try {
        await worker.start();
        await r.waitFor(12, 20_000);
        assert.deepEqual(r.requests.map(sequence).map(([n]) => n), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      } finally {
        await worker.stop(1000);
      }
    });

    it('gives concurrent changes of one lead distinct numbers in the order they were recorded', async () => {
      const acct = await h().account();
      const lead = await createLead(acct, 'Busy');
      await Promise.all(Array.from({ length: 8 }, (_, i) => record(h(), acct, lead._id, [note(`C${i}`)])));
      const rows = await h()
        .ctx.db.selectFrom('activities')
        .select(['seq', 'lead_seq'])
        .where('lead_id', '=', lead._id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(rows.map((row) => Number(row.lead_seq)), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const counter = await h().ctx.db.selectFrom('leads').select('activity_seq').where('id', '=', lead._id).executeTakeFirstOrThrow();
      assert.equal(Number(counter.activity_seq), 9);
    });
  });
}
