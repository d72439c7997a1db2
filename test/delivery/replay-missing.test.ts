// Replay missing and the completeness audit (docs/WEBHOOKS.md): activities a webhook never got
// (disabled, not yet created, pruned without success) are queued once, in activity order; a pruned
// success is not resent; the audit answers every expected event id with its status and a digest
// the test recomputes on its own from what the receiver got.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { windowBounds, windowPage, type ActivityWindow } from '../../src/delivery/activity-window.ts';
import { keepInLedger } from '../../src/delivery/store/ledger.ts';
import { newId } from '../../src/shared/ids.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { explain } from '../helpers/query-plan.ts';
import { useFreshReceiver, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';

const START = Date.UTC(2026, 2, 2, 9, 0, 0);
const DAY = 86_400_000;
const note = (content: string) => ({ type: 'note:created' as const, fields: { note_content: content } });
const idsOf = (receiver: Receiver) => receiver.requests.map((r) => String(r.headers['webhook-id']));
const noteOf = (body: string) => (JSON.parse(body) as { activity: { note_content?: string } }).activity.note_content;

for (const dialect of DIALECTS) {
  describe(`replay missing and audit [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter, clockStart: START });
    const fresh = useFreshReceiver();
    const drainAll = async () => {
      h().clock.advance(5_000);
      await h().worker().drain();
    };

    it('queues what happened before the webhook existed and while it was disabled, in activity order, once', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const lead = await createLead(acct);
      await record(h(), acct, lead._id, [note('before-1'), note('before-2')]);
      h().clock.advance(1_000);
      const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'], enabled: false });
      await record(h(), acct, lead._id, [note('disabled-1'), note('disabled-2'), note('disabled-3')]);
      assert.equal((await deliveriesOf(acct, hook._id)).length, 0);
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: true })).status, 200);
      await record(h(), acct, lead._id, [note('live')]);
      await drainAll();
      assert.deepEqual(receiver.requests.map((r) => noteOf(r.body)), ['live']);

      const window = { from: new Date(START - DAY).toISOString(), to: new Date(START + DAY).toISOString() };
      const first = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, window);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { total: 6, scanned: 6, created: 5, skipped: 1, cursor: null, done: true });
      const again = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, window);
      assert.deepEqual(again.body, { total: 6, scanned: 6, created: 0, skipped: 6, cursor: null, done: true }, 'running twice queues nothing twice');
      // Queued in activity order: each replayed delivery falls due after the one before it.
      const queued = await h()
        .ctx.db.selectFrom('deliveries')
        .innerJoin('activities', 'activities.id', 'deliveries.activity_id')
        .select(['deliveries.body', 'deliveries.next_attempt_at', 'activities.seq'])
        .where('deliveries.webhook_id', '=', hook._id)
        .where('deliveries.status', '=', 'pending')
        .orderBy('deliveries.next_attempt_at')
        .execute();
      assert.deepEqual(queued.map((row) => noteOf(row.body)), ['before-1', 'before-2', 'disabled-1', 'disabled-2', 'disabled-3']);
      const seqs = queued.map((row) => Number(row.seq));
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.equal(new Set(queued.map((row) => Number(row.next_attempt_at))).size, 5, 'no two due at the same time');
      await drainAll();
      assert.deepEqual(
        receiver.requests.map((r) => noteOf(r.body)).sort(),
        ['before-1', 'before-2', 'disabled-1', 'disabled-2', 'disabled-3', 'live'],
      );
      assert.equal(new Set(idsOf(receiver)).size, 6, 'no activity sent twice');
      // lead:created (type not in the filter) was not replayed.
      assert.ok(receiver.requests.every((r) => JSON.parse(r.body).activity.type === 'note:created'));
    });

    it('walks a window batch by batch with a cursor', async () => {
      const receiver = await fresh();
      const acct = await h().account();
      const lead = await createLead(acct);
      const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'], enabled: false });
      await record(h(), acct, lead._id, Array.from({ length: 501 }, (_, i) => note(`n${i}`)));
      await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: true });
      const from = new Date(START - DAY).toISOString();
      const step = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, { from, max_batches: 1 });
      assert.equal(step.body.created, 500);
      assert.equal(step.body.done, false);
      assert.equal(typeof step.body.cursor, 'number');
      const rest = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, { from, cursor: step.body.cursor, max_batches: 1 });
      assert.deepEqual({ ...rest.body, cursor: rest.body.cursor }, { total: 501, scanned: 1, created: 1, skipped: 0, cursor: null, done: true });
    });

    it('after retention: resends a pruned failure, never a pruned success; the audit keeps both', async () => {
      const receiver = await fresh();
      receiver.behave((req, res) => res.writeHead(noteOf(req.body) === 'fails' ? 500 : 200).end());
      const acct = await h().account();
      const lead = await createLead(acct);
      const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'], retry_schedule: [] });
      const [ok, failing] = await record(h(), acct, lead._id, [note('ok'), note('fails')]);
      await drainAll();
      assert.deepEqual((await deliveriesOf(acct, hook._id)).map((d) => d.status).sort(), ['failed', 'succeeded']);

      h().clock.advance(31 * DAY);
      await h().worker().runOnce(); // maintenance: retention prunes both
      assert.equal((await deliveriesOf(acct, hook._id)).length, 0);
      const ledger = await h().ctx.db.selectFrom('delivery_ledger').select(['activity_id', 'status']).where('webhook_id', '=', hook._id).orderBy('status').execute();
      assert.deepEqual(ledger, [
        { activity_id: failing!.id, status: 'failed' },
        { activity_id: ok!.id, status: 'succeeded' },
      ]);

      const window = { from: new Date(START - DAY).toISOString() };
      const beforeReplay = await acct.api('GET', `/webhooks/${hook._id}/audit?from=${encodeURIComponent(window.from)}`);
      assert.equal(beforeReplay.status, 200);
      assert.deepEqual(
        beforeReplay.body.events.map((e: any) => [e.id, e.status, e.delivery_id]),
        [
          [ok!.id, 'succeeded', null],
          [failing!.id, 'failed', null],
        ],
        'a pruned delivery leaves no delivery to link to',
      );

      receiver.behave((_req, res) => res.writeHead(200).end());
      // The failure run auto-disabled it meanwhile; replay asks for an enabled webhook.
      assert.equal((await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: true })).status, 200);
      const replayed = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, window);
      assert.deepEqual(replayed.body, { total: 2, scanned: 2, created: 1, skipped: 1, cursor: null, done: true });
      await drainAll();
      assert.deepEqual(idsOf(receiver).sort(), [ok!.id, failing!.id, failing!.id].sort(), 'the pruned failure is sent again, the pruned success is not');
      const again = await acct.api('POST', `/webhooks/${hook._id}/replay-missing`, window);
      assert.equal(again.body.created, 0);
    });

    it('audits every expected event id with its status, totals and a digest the receiver can recompute', async () => {
      const receiver = await fresh();
      receiver.behave((req, res) => res.writeHead(noteOf(req.body)?.startsWith('bad') ? 500 : 200).end());
      const acct = await h().account();
      const lead = await createLead(acct);
      const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'], retry_schedule: [60] });
      const from = h().clock.now().getTime();
      const [good1, bad, good2] = await record(h(), acct, lead._id, [note('good-1'), note('bad'), note('good-2')]);
      await h().worker().drain(); // bad: first attempt failed, a retry pending in 60 s
      await record(h(), acct, lead._id, [{ type: 'lead:won', fields: {} }]); // not in the filter: not expected
      await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: false });
      const [missed] = await record(h(), acct, lead._id, [note('while disabled')]);
      await record(h(), acct, lead._id, [{ type: 'todo:created', fields: { todo_name: 'call', todo_type: 'Call' } }]);
      const failedNow = await acct.api('GET', `/webhooks/${hook._id}/audit?from=${new Date(from).toISOString()}`);
      assert.equal(failedNow.status, 200);
      // Disabling failed the pending retry.
      assert.deepEqual(
        failedNow.body.events.map((e: any) => [e.id, e.status]),
        [
          [good1!.id, 'succeeded'],
          [bad!.id, 'failed'],
          [good2!.id, 'succeeded'],
          [missed!.id, 'not_attempted'],
        ],
      );
      assert.deepEqual(failedNow.body.totals, { expected: 4, succeeded: 2, pending: 0, failed: 1, not_attempted: 1 });
      // Each attempted event names its delivery (the UI links to it); a missed one has none.
      const deliveryOf = new Map((await deliveriesOf(acct, hook._id)).map((d) => [d.activity_id, d._id]));
      assert.deepEqual(
        failedNow.body.events.map((e: any) => e.delivery_id),
        [deliveryOf.get(good1!.id), deliveryOf.get(bad!.id), deliveryOf.get(good2!.id), null],
      );
      assert.ok(deliveryOf.get(bad!.id));

      // The receiver's side: the ids it answered 2xx to, sorted, joined by "\n", SHA-256 hex.
      const got = receiver.requests.filter((r) => !noteOf(r.body)?.startsWith('bad')).map((r) => String(r.headers['webhook-id']));
      const digest = createHash('sha256').update([...new Set(got)].sort().join('\n')).digest('hex');
      assert.equal(failedNow.body.digest, digest);

      await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: true });
      await acct.api('POST', `/webhooks/${hook._id}/recover`, { since: new Date(from).toISOString() });
      const pending = await acct.api('GET', `/webhooks/${hook._id}/audit?from=${new Date(from).toISOString()}`);
      assert.equal(pending.body.events.find((e: any) => e.id === bad!.id).status, 'pending');
      assert.notEqual(pending.body.digest, createHash('sha256').update('').digest('hex'));

      const refused = await acct.api('GET', `/webhooks/${hook._id}/audit?from=${new Date(from + DAY).toISOString()}&to=${new Date(from).toISOString()}`);
      assert.equal(refused.status, 400);
    });

    it('keeps a success in the ledger whatever is pruned after it for the same activity', async () => {
      const acct = await h().account();
      const row = (status: 'succeeded' | 'failed', at: number) => ({
        account_id: acct.accountId,
        webhook_id: 'w'.repeat(24),
        activity_id: 'a'.repeat(24),
        status,
        attempts: 1,
        is_test: 0 as const,
        updated_at: at,
      });
      const ledger = () => h().ctx.db.selectFrom('delivery_ledger').select(['status', 'attempts']).where('account_id', '=', acct.accountId).execute();
      await h().ctx.db.transaction().execute((trx) => keepInLedger(trx, [row('failed', 1)], 10));
      assert.deepEqual(await ledger(), [{ status: 'failed', attempts: 1 }]);
      await h().ctx.db.transaction().execute((trx) => keepInLedger(trx, [row('succeeded', 2), row('failed', 3)], 20));
      assert.deepEqual(await ledger(), [{ status: 'succeeded', attempts: 3 }]);
      await h().ctx.db.transaction().execute((trx) => keepInLedger(trx, [row('failed', 4), { ...row('failed', 5), is_test: 1 as const }], 30));
      assert.deepEqual(await ledger(), [{ status: 'succeeded', attempts: 4 }], 'a success stays; a test delivery leaves no row');
    });

    it("reads a window's activities between its first and last seq, not from the account's first activity on", async () => {
      const acct = await h().account();
      const at = h().clock.now().getTime();
      // Activities before, in and after the window, straight into the table.
      const rows = Array.from({ length: 3_000 }, (_, i) => ({
        id: newId(new Date(at + i)), account_id: acct.accountId, lead_id: 'lead', type: 'note:created', user_id: acct.userId,
        created_at: at + i * 1_000, activity_json: '{}', lead_json: '{}', lead_seq: i + 1,
      }));
      for (let i = 0; i < rows.length; i += 500) await h().ctx.db.insertInto('activities').values(rows.slice(i, i + 500)).execute();
      const window: ActivityWindow = { accountId: acct.accountId, from: at + 1_000_000, to: at + 1_100_000, types: null };
      const bounds = await windowBounds(h().ctx.db, window);
      assert.equal(bounds.count, 100);
      const page = windowPage(h().ctx.db, window, { first: bounds.first!, last: bounds.last! }, null).select(['id', 'seq']).limit(1_000);
      assert.deepEqual((await page.execute()).map((r) => r.id), rows.slice(1_000, 1_100).map((r) => r.id));
      const plan = await explain(h(), page.compile());
      if (h().dialect === 'sqlite') assert.match(plan, /^SEARCH activities USING INDEX activities_account \(account_id=\? AND seq>\? AND seq<\?\)$/, plan);
      else assert.match(plan, /Index Scan using activities_account on activities[^\n]*\n\s*Index Cond: \(\(account_id = [^)]*\) AND \(seq >= [^)]*\) AND \(seq <= [^)]*\)\)/, plan);
    });
  });
}