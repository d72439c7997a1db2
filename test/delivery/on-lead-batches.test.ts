// Changes on existing leads written at once (ActivityRecorder.transactionAtOnce; on PostgreSQL in
// statements shared by the account's concurrent changes, src/delivery/on-lead-batches.ts). What each
// caller sees must not change: every note is stored once, its lead's numbers follow commit order
// without gaps or repeats, and every webhook gets the note's delivery, also when the lead or the
// webhooks changed between the read and the write, where the change runs again in a transaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeWebhookBody } from '../../src/activities/payload.ts';
import type { Tx } from '../../src/activities/recorder.ts';
import { createNote } from '../../src/crm/notes.service.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { assertWaitedOut, jsonLength, observingQueries, withFirstStatementHeld } from '../helpers/observe-queries.ts';
import { actorOf } from '../helpers/webhooks.ts';

const BATCHED = 'json_to_recordset(';
const SHARED_READ = '"id" = any(';

for (const dialect of DIALECTS) {
  describe(`changes on a lead written at once [${dialect}]`, () => {
    const h = useHarness(dialect);

    /** Runs `work` while counting the changes in each batched on-lead statement, and the leads of each shared lead read, in order. */
    async function countingBatches<T>(work: () => Promise<T>): Promise<{ result: T; batches: number[]; reads: number[] }> {
      const batches: number[] = [];
      const reads: number[] = [];
      const result = await observingQueries(
        h().ctx.db,
        (query) => {
          if (query.sql.includes(BATCHED)) batches.push(jsonLength(query.parameters[0]));
          if (query.sql.includes(SHARED_READ)) reads.push((query.parameters[1] as unknown[]).length);
        },
        work,
      );
      return { result, batches, reads };
    }

    /** An account with two webhooks (one with a handshake key) and `count` leads, each with a note: the webhooks are remembered. */
    async function accountWithLeads(count: number) {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const hooks: Array<{ _id: string; handshake_key: string | null }> = [];
      for (const body of [{ url: 'https://example.test/a' }, { url: 'https://example.test/b', handshake_key: 'k "quoted"' }]) {
        hooks.push((await acct.api('POST', '/webhooks', body)).body);
      }
      const leads: string[] = [];
      for (let i = 0; i < count; i++) {
        const lead = (await acct.api('POST', '/leads', { name: `Lead ${i}`, pipeline_id: pipe._id })).body;
        assert.equal((await acct.api('POST', `/leads/${lead._id}/notes`, { content: 'warm-up' })).status, 201);
        leads.push(lead._id as string);
      }
      return { acct, hooks, leads };
    }

    /**
     * Checks the lead's activities are numbered 1..n in order, with the lead's counter at n, and that
     * each from number `from` on has exactly one delivery to each of `hooks`.
     */
    async function assertLeadConsistent(leadId: string, hooks: ReadonlyArray<{ _id: string; handshake_key: string | null }>, from = 1) {
      const db = h().ctx.db;
      const activities = await db.selectFrom('activities').select(['id', 'lead_seq', 'activity_json', 'lead_json']).where('lead_id', '=', leadId).orderBy('seq').execute();
      assert.deepEqual(
        activities.map((a) => Number(a.lead_seq)),
        activities.map((_, i) => i + 1),
        'numbered in commit order, no gap, none twice',
      );
      const lead = await db.selectFrom('leads').select('activity_seq').where('id', '=', leadId).executeTakeFirstOrThrow();
      assert.equal(Number(lead.activity_seq), activities.length);
      const deliveries = await db.selectFrom('deliveries').select(['webhook_id', 'activity_id', 'body', 'lead_seq', 'lead_prev_seq']).where('lead_id', '=', leadId).execute();
      for (const activity of activities.filter((a) => Number(a.lead_seq) >= from)) {
        const mine = deliveries.filter((d) => d.activity_id === activity.id).sort((a, b) => (a.webhook_id < b.webhook_id ? -1 : 1));
        const expected = [...hooks]
          .sort((a, b) => (a._id < b._id ? -1 : 1))
          .map((hook) => ({
            webhook_id: hook._id,
            activity_id: activity.id,
            body: composeWebhookBody(activity.activity_json, activity.lead_json, hook.handshake_key),
            lead_seq: Number(activity.lead_seq),
            lead_prev_seq: Number(activity.lead_seq) - 1,
          }));
        assert.deepEqual(
          mine.map((d) => ({ ...d, lead_seq: Number(d.lead_seq), lead_prev_seq: Number(d.lead_prev_seq) })),
          expected,
        );
      }
    }

    const notesWith = (acct: TestAccount, content: string) =>
      h().ctx.db.selectFrom('notes').select(['id', 'lead_id']).where('account_id', '=', acct.accountId).where('content', '=', content).execute();

    it('stores each of many concurrent notes once, numbered in commit order with their deliveries, several on one lead', async () => {
      const { acct, hooks, leads } = await accountWithLeads(10);
      const calls = Array.from({ length: 30 }, (_, i) => ({ lead: leads[i % leads.length]!, content: `note ${i}` }));
      const { result: answers, batches, reads } = await countingBatches(() => Promise.all(calls.map((c) => acct.api('POST', `/leads/${c.lead}/notes`, { content: c.content }))));
      for (const [i, answer] of answers.entries()) {
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        assert.deepEqual(answer.body.lead._id, calls[i]!.lead);
        assert.deepEqual(await notesWith(acct, calls[i]!.content), [{ id: answer.body._id, lead_id: calls[i]!.lead }], 'stored once');
      }
      for (const lead of leads) await assertLeadConsistent(lead, hooks);
      if (dialect === 'postgres') {
        assert.ok(Math.max(...batches) > 1, `some statement carried several notes: ${batches.join(', ')}`);
        assert.ok(Math.max(...batches) <= leads.length, `never two notes of one lead in a statement: ${batches.join(', ')}`);
        assert.ok(reads.length < calls.length && Math.max(...reads) > 1, `notes that arrived together read their leads together: ${reads.join(', ')}`);
        assert.ok(Math.max(...reads) <= leads.length, `each lead once in a read: ${reads.join(', ')}`);
      } else {
        assert.deepEqual([batches, reads], [[], []], 'SQLite writes every note in a transaction');
      }
    });

    it('writes a new todo and a new email the same way, each once with its activity and deliveries', async () => {
      const { acct, hooks, leads } = await accountWithLeads(1);
      const leadId = leads[0]!;
      const { result: answers, batches } = await countingBatches(() =>
        Promise.all([
          acct.api('POST', `/leads/${leadId}/todos`, { name: 'Call back', type: 'Call' }),
          acct.api('POST', `/leads/${leadId}/emails`, { subject: 'Hello' }),
        ]),
      );
      for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const todos = await h().ctx.db.selectFrom('todos').select('id').where('lead_id', '=', leadId).execute();
      const emails = await h().ctx.db.selectFrom('emails').select('id').where('lead_id', '=', leadId).execute();
      assert.deepEqual([todos, emails], [[{ id: answers[0]!.body._id }], [{ id: answers[1]!.body._id }]]);
      const types = await h().ctx.db.selectFrom('activities').select('type').where('lead_id', '=', leadId).where('lead_seq', '>', 2).execute();
      assert.deepEqual(types.map((t) => t.type).sort(), ['email:received', 'todo:created']);
      await assertLeadConsistent(leadId, hooks);
      assert.equal(batches.length > 0, dialect === 'postgres', `batched statements: ${batches.join(', ')}`);
    });

    it('writes a note in a transaction instead when its lead took another activity between the read and the write', async () => {
      const { acct, hooks, leads } = await accountWithLeads(1);
      const leadId = leads[0]!;
      let runs = 0;
      const otherChange = async () => assert.equal((await acct.api('PUT', `/leads/${leadId}`, { size: 7 })).status, 200);
      // SQLite runs the change in a transaction, which holds the one writer: the other change goes first.
      if (dialect === 'sqlite') await otherChange();
      const work = async (tx: Tx) => {
        runs += 1;
        const note = await createNote(tx, actorOf(acct), leadId, { content: 'raced' });
        // Another caller's change on the same lead commits after this one read the lead.
        if (runs === 1 && dialect === 'postgres') await otherChange();
        return note;
      };
      const note = await h().ctx.recorder.transactionAtOnce(work);
      assert.deepEqual(await notesWith(acct, 'raced'), [{ id: note._id, lead_id: leadId }]);
      assert.equal(runs, dialect === 'postgres' ? 2 : 1, 'run again in a transaction after the guard failed (PostgreSQL)');
      const types = await h().ctx.db.selectFrom('activities').select('type').where('lead_id', '=', leadId).orderBy('lead_seq').execute();
      assert.deepEqual(types.map((t) => t.type).slice(-2), ['lead:size_changed', 'note:created'], 'the note is numbered after the change that committed first');
      await assertLeadConsistent(leadId, hooks);
    });

    it('delivers a note to the webhooks as another process left them between the read and the write', async () => {
      const { acct, hooks, leads } = await accountWithLeads(1);
      let runs = 0;
      let third: { _id: string; handshake_key: string | null } | undefined;
      const addWebhook = async () => void (third = (await acct.api('POST', '/webhooks', { url: 'https://example.test/c' })).body);
      if (dialect === 'sqlite') await addWebhook(); // as above: the one writer
      const note = await h().ctx.recorder.transactionAtOnce(async (tx) => {
        runs += 1;
        const made = await createNote(tx, actorOf(acct), leads[0]!, { content: 'webhook added meanwhile' });
        if (runs === 1 && dialect === 'postgres') await addWebhook();
        return made;
      });
      assert.equal(runs, dialect === 'postgres' ? 2 : 1);
      assert.deepEqual(await notesWith(acct, 'webhook added meanwhile'), [{ id: note._id, lead_id: leads[0] }]);
      // lead:created 1, the warm-up note 2, this note 3: the one made after the webhook was added.
      await assertLeadConsistent(leads[0]!, [...hooks, third!], 3);
    });

    it('runs a change that writes through tx.db in a transaction, once', async () => {
      const { acct, hooks, leads } = await accountWithLeads(1);
      const leadId = leads[0]!;
      let runs = 0;
      await h().ctx.recorder.transactionAtOnce(async (tx) => {
        runs += 1;
        await tx.reserve(acct.accountId, leadId, 1);
        await tx.db.updateTable('leads').set({ size: 42 }).where('id', '=', leadId).execute();
        return tx.record(actorOf(acct), leadId, [{ type: 'lead:size_changed', fields: { lead_size: 42 } }]);
      });
      assert.equal(runs, dialect === 'postgres' ? 2 : 1, 'the write was refused outside a transaction and the change run again');
      const lead = await h().ctx.db.selectFrom('leads').select('size').where('id', '=', leadId).executeTakeFirstOrThrow();
      assert.equal(Number(lead.size), 42);
      await assertLeadConsistent(leadId, hooks);
    });

    if (dialect === 'postgres') {
      it('reads a lead for its next change only after the previous change on its way answered, so neither is bound to fail', async () => {
        const { acct, hooks, leads } = await accountWithLeads(1);
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        let statements = 0;
        // Transactions begun: a change that fell back from writing at once.
        const db = h().ctx.db;
        const transaction = db.transaction.bind(db);
        let transactions = 0;
        db.transaction = () => {
          transactions += 1;
          return transaction();
        };
        const hold = async (query: { sql: string }) => {
          if (!query.sql.includes(BATCHED)) return;
          statements += 1;
          if (statements === 1) await gate;
        };
        await observingQueries(h().ctx.db, hold, async () => {
          try {
            const first = acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'first' });
            while (statements === 0) await new Promise((resolve) => setTimeout(resolve, 5));
            const second = acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'second' });
            // Room for a second note that did not wait to read its lead and write.
            await new Promise((resolve) => setTimeout(resolve, 100));
            assert.equal(statements, 1, 'no statement of the second note while the first one\'s is on its way');
            open();
            assert.deepEqual([(await first).status, (await second).status], [201, 201]);
          } finally {
            open();
            db.transaction = transaction;
          }
        });
        assert.deepEqual([statements, transactions], [2, 0], 'each note in its own statement, neither run again in a transaction');
        for (const content of ['first', 'second']) assert.equal((await notesWith(acct, content)).length, 1);
        await assertLeadConsistent(leads[0]!, hooks);
      });

      it('answers a change waiting for its lead\'s previous change 503 when that one hangs past the time the pool waits for a connection', async () => {
        const { acct, leads } = await accountWithLeads(1);
        await withFirstStatementHeld(h().ctx.db, BATCHED, async (held) => {
          const stalled = acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'stalled' });
          await held.reached();
          assertWaitedOut(await acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'behind' }));
          held.release();
          assert.equal((await stalled).status, 201);
        });
        assert.deepEqual(await notesWith(acct, 'behind'), []);
        assert.equal((await notesWith(acct, 'stalled')).length, 1);
      });

      it('answers the notes waiting behind a lead read that hangs 503 after the time the pool waits for a connection, and writes none of them', async () => {
        const { acct, leads } = await accountWithLeads(3);
        await withFirstStatementHeld(h().ctx.db, SHARED_READ, async (held) => {
          const stalled = acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'stalled' });
          await held.reached();
          // On other leads: a change of the same lead would wait for the stalled one instead (the test above).
          const behind = await Promise.all([leads[1], leads[2]].map((lead) => acct.api('POST', `/leads/${lead}/notes`, { content: 'behind' })));
          for (const answer of behind) assertWaitedOut(answer);
          held.release();
          assert.equal((await stalled).status, 201);
        });
        assert.deepEqual(await notesWith(acct, 'behind'), []);
        assert.equal((await notesWith(acct, 'stalled')).length, 1);
      });
    }

    it('stores a note with a lone UTF-16 surrogate as a text parameter would (U+FFFD), and delivers it escaped', async () => {
      const { acct, hooks, leads } = await accountWithLeads(1);
      const { result: created, batches } = await countingBatches(() => acct.api('POST', `/leads/${leads[0]}/notes`, { content: 'Broken \ud800 pair' }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(batches.length, dialect === 'postgres' ? 1 : 0);
      const stored = await h().ctx.db.selectFrom('notes').select('content').where('id', '=', created.body._id).executeTakeFirstOrThrow();
      // PostgreSQL binds it as U+FFFD; SQLite keeps the surrogate's three bytes, read back as three.
      assert.equal(stored.content, dialect === 'postgres' ? 'Broken \ufffd pair' : 'Broken \ufffd\ufffd\ufffd pair');
      const [delivery] = await h().ctx.db.selectFrom('deliveries').select('body').where('lead_id', '=', leads[0]!).where('lead_seq', '=', 3).where('webhook_id', '=', hooks[0]!._id).execute();
      assert.ok(delivery!.body.includes('"note_content":"Broken \\ud800 pair"'), delivery!.body);
      await assertLeadConsistent(leads[0]!, hooks);
    });

    it('answers 404 for a note on a lead the account does not have, and writes nothing', async () => {
      const { acct } = await accountWithLeads(1);
      const other = await accountWithLeads(1);
      for (const lead of ['0123456789abcdef01234567', other.leads[0]!]) {
        const answer = await acct.api('POST', `/leads/${lead}/notes`, { content: 'nowhere' });
        assert.equal(answer.status, 404, JSON.stringify(answer.body));
      }
      assert.deepEqual(await notesWith(acct, 'nowhere'), []);
      assert.deepEqual(await notesWith(other.acct, 'nowhere'), []);
    });
  });
}
