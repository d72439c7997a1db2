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
    /** A call through the second process's API, which must succeed. */
    const elsewhereAs = (apiKey: string) => async (method: string, url: string, body: unknown) => {
      const answer = await call(other.app, method, `/api/v1${url}`, body, { authorization: `Bearer ${apiKey}` });
      assert.ok(answer.status < 300, JSON.stringify(answer.body));
      return answer.body;
    };

    /** An account with one webhook and one lead, and its API as another process (`elsewhere`). */
    async function leadWithWebhook() {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const elsewhere = elsewhereAs(acct.apiKey);
      const first = (await acct.api('POST', '/webhooks', { url: 'https://example.test/a' })).body;
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id })).body;
      return { acct, elsewhere, first, lead };
    }

    it('sends the next write to the webhooks as another process left them: created, disabled, filter and key changed', async () => {
      const { acct, elsewhere, first, lead } = await leadWithWebhook();
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

    it('stores a note exactly once when another process changed the webhooks just before it, and the note of a change that records nothing too', async () => {
      const { acct, elsewhere, first, lead } = await leadWithWebhook();
      const second = await elsewhere('POST', '/webhooks', { url: 'https://example.test/b' });
      // The remembered webhooks are stale now: on PostgreSQL the note's statement finds them changed.
      const note = await acct.api('POST', `/leads/${lead._id}/notes`, { content: 'first call' });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      const notes = await h().ctx.db.selectFrom('notes').select(['id', 'content']).where('lead_id', '=', lead._id).execute();
      assert.deepEqual(notes, [{ id: note.body._id, content: 'first call' }]);
      const deliveries = await h().ctx.db.selectFrom('deliveries').select('webhook_id').where('lead_id', '=', lead._id).where('lead_seq', '=', 2).execute();
      assert.deepEqual(deliveries.map((d) => d.webhook_id).sort(), [first._id, second._id].sort());

      // Rows left to insert with an activity that never comes are inserted before the commit.
      const row = { id: 'n-unrecorded', account_id: acct.accountId, lead_id: lead._id, content: 'no activity', user_id: null, created_at: 1, updated_at: 1 };
      await h().ctx.recorder.transaction(async (tx) => tx.insertWithRecord({ table: 'notes', rows: [row] }));
      const stored = await h().ctx.db.selectFrom('notes').select('content').where('id', '=', row.id).execute();
      assert.deepEqual(stored, [{ content: 'no activity' }]);
    });

    /** A lead made through the API, an actor of its account, and a note to record on it. */
    async function leadAndNote() {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id })).body;
      const actor = { accountId: acct.accountId, user: { _id: acct.userId, name: 'A', photo_url: null, email: 'a@example.test', role: 'admin' as const } };
      const note = { type: 'note:created' as const, fields: { note_content: 'x' } };
      return { acct, lead, actor, note };
    }

    it('fails a change that reserved sequence numbers on a lead and recorded another number of activities, writing nothing', async () => {
      const { acct, lead, actor, note } = await leadAndNote();
      await assert.rejects(
        h().ctx.recorder.transaction(async (tx) => {
          const reserved = await tx.reserve(acct.accountId, lead._id, 2);
          await tx.record(actor, lead._id, [note], reserved);
        }),
        /2 sequence numbers reserved/,
      );
      await assert.rejects(
        h().ctx.recorder.transaction(async (tx) => {
          await tx.reserve(acct.accountId, lead._id, 1);
        }),
        /no activity recorded/,
      );
      const row = await h().ctx.db.selectFrom('leads').select('activity_seq').where('id', '=', lead._id).executeTakeFirstOrThrow();
      assert.equal(Number(row.activity_seq), 1, 'both reservations rolled back');
      assert.equal(await h().ctx.recorder.transaction(async (tx) => tx.reserve(acct.accountId, 'no-such-lead', 1)), undefined);
    });

    it("records with the transaction's own reservation on the lead: no second reservation, no gap", async () => {
      const { acct, lead, actor, note } = await leadAndNote();
      const [recorded] = await h().ctx.recorder.transaction(async (tx) => {
        await tx.reserve(acct.accountId, lead._id, 1);
        return tx.record(actor, lead._id, [note]);
      });
      const row = await h().ctx.db.selectFrom('leads').select('activity_seq').where('id', '=', lead._id).executeTakeFirstOrThrow();
      assert.equal(Number(row.activity_seq), 2, 'one number taken after lead:created');
      const activity = await h().ctx.db.selectFrom('activities').select('lead_seq').where('id', '=', recorded!.id).executeTakeFirstOrThrow();
      assert.equal(Number(activity.lead_seq), 2);
      await assert.rejects(
        h().ctx.recorder.transaction(async (tx) => {
          await tx.reserve(acct.accountId, lead._id, 1);
          await tx.record(actor, lead._id, [note], { lead: { _id: lead._id, name: 'Acme', stage: { _id: 's', name: 's' }, pipe: { _id: 'p', name: 'p' } }, seqAfter: 9 });
        }),
        /reserved twice/,
      );
    });

    it('writes a new lead, its activity and its deliveries in one statement when all is remembered, and nothing when another process changed any of it', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const elsewhere = elsewhereAs(acct.apiKey);
      // What each POST /leads took: the one statement (true) or, after it wrote nothing, the transaction.
      const atOnce: boolean[] = [];
      const recorder = h().ctx.recorder;
      const original = recorder.recordNewLeadAtOnce.bind(recorder);
      recorder.recordNewLeadAtOnce = async (...args) => {
        const written = await original(...args);
        atOnce.push(written);
        return written;
      };
      try {
        const a = (await acct.api('POST', '/webhooks', { url: 'https://example.test/a' })).body;
        const create = async (name: string) => {
          const answer = await acct.api('POST', '/leads', { name, pipeline_id: pipe._id });
          assert.equal(answer.status, 201, JSON.stringify(answer.body));
          return answer.body;
        };
        const deliveriesOf = async (leadId: string) => {
          const rows = await h().ctx.db.selectFrom('deliveries').select(['webhook_id', 'body', 'lead_seq']).where('lead_id', '=', leadId).execute();
          return rows.map((r) => ({ webhook: r.webhook_id, seq: r.lead_seq, pipe: JSON.parse(r.body).lead.pipe.name as string })).sort((x, y) => (x.webhook < y.webhook ? -1 : 1));
        };
        const onlyOnce = async (name: string) =>
          assert.equal((await h().ctx.db.selectFrom('leads').select('id').where('account_id', '=', acct.accountId).where('name', '=', name).execute()).length, 1);

        await create('warm-up'); // the webhooks and the pipeline are read, and remembered
        const remembered = await create('remembered');
        assert.deepEqual(
          { pipeline: remembered.pipeline, stage: remembered.stage._id, status: remembered.status },
          { pipeline: { _id: pipe._id, name: pipe.name }, stage: pipe.stages[0]!._id, status: 'open' },
        );
        assert.deepEqual(await deliveriesOf(remembered._id), [{ webhook: a._id, seq: 1, pipe: pipe.name }]);
        const activities = (await acct.api('GET', `/leads/${remembered._id}/activities`)).body as Array<{ type: string }>;
        assert.deepEqual(activities.map((x) => x.type), ['lead:created']);

        const b = await elsewhere('POST', '/webhooks', { url: 'https://example.test/b' });
        const afterWebhook = await create('after a webhook elsewhere');
        await onlyOnce('after a webhook elsewhere');
        const both = [a._id, b._id].sort();
        assert.deepEqual((await deliveriesOf(afterWebhook._id)).map((d) => d.webhook), both);
        const again = await create('remembered again');
        assert.deepEqual((await deliveriesOf(again._id)).map((d) => d.webhook), both);

        await elsewhere('PUT', `/pipelines/${pipe._id}`, { name: 'Renamed elsewhere' });
        const afterRename = await create('after a rename elsewhere');
        await onlyOnce('after a rename elsewhere');
        assert.equal(afterRename.pipeline.name, 'Renamed elsewhere');
        assert.deepEqual((await deliveriesOf(afterRename._id)).map((d) => d.pipe), ['Renamed elsewhere', 'Renamed elsewhere']);

        // SQLite has no remembered webhooks: every lead takes the transaction there.
        const expected = h().dialect === 'postgres' ? [false, true, false, true, false] : [false, false, false, false, false];
        assert.deepEqual(atOnce, expected);
      } finally {
        recorder.recordNewLeadAtOnce = original;
      }
    });
  });
}