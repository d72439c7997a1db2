// New leads that arrive together share one statement on PostgreSQL (src/delivery/new-lead-batches.ts).
// What each caller sees must not change: every lead is written once with its activity and its
// deliveries, a lead whose own guard fails is written by the transaction instead, without taking
// the others of its statement along, and a lead whose statement fails gets the error alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../src/activities/recorder.ts';
import { newLeadRow } from '../../src/crm/leads.service.ts';
import { rememberedNewLead } from '../../src/crm/new-lead-pipelines.ts';
import { newId } from '../../src/shared/ids.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { assertWaitedOut, jsonLength, observingQueries, withFirstStatementHeld } from '../helpers/observe-queries.ts';

const BATCHED_LEADS = 'json_populate_recordset(null::"leads"';

for (const dialect of DIALECTS) {
  describe(`new leads written together [${dialect}]`, () => {
    const h = useHarness(dialect);

    /** Runs `work` while counting the leads (and the deliveries) of each batched new-lead statement, in order. */
    async function countingBatches<T>(work: () => Promise<T>): Promise<{ result: T; batches: number[]; deliveries: number[] }> {
      const batches: number[] = [];
      const deliveries: number[] = [];
      const result = await observingQueries(
        h().ctx.db,
        (query) => {
          if (!query.sql.includes(BATCHED_LEADS)) return;
          batches.push(jsonLength(query.parameters[0]));
          deliveries.push(jsonLength(query.parameters[query.parameters.length - 1]));
        },
        work,
      );
      return { result, batches, deliveries };
    }

    async function deliveriesOf(leadId: string) {
      const rows = await h().ctx.db.selectFrom('deliveries').select(['webhook_id', 'body', 'lead_seq']).where('lead_id', '=', leadId).execute();
      return rows.map((r) => ({ webhook: r.webhook_id, seq: r.lead_seq, pipe: JSON.parse(r.body).lead.pipe.name as string })).sort((x, y) => (x.webhook < y.webhook ? -1 : 1));
    }

    it('writes each of many concurrent new leads once, with its activity and deliveries, also when another process renamed one of their pipelines', async () => {
      const acct = await h().account();
      const first = await acct.pipeline();
      const made = await acct.api('POST', '/pipelines', { name: 'Second', stages: ['New', 'Won'] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const second = made.body;
      const hooks = [];
      for (const url of ['https://example.test/a', 'https://example.test/b']) hooks.push((await acct.api('POST', '/webhooks', { url })).body._id as string);
      // Both pipelines and the webhooks read once and remembered.
      for (const pipe of [first, second]) assert.equal((await acct.api('POST', '/leads', { name: 'warm-up', pipeline_id: pipe._id })).status, 201);
      await h().ctx.db.updateTable('pipelines').set({ name: 'Second, renamed elsewhere' }).where('id', '=', second._id).execute();

      const names = Array.from({ length: 30 }, (_, i) => `Lead ${i}`);
      const { result: answers, batches } = await countingBatches(() =>
        Promise.all(names.map((name, i) => acct.api('POST', '/leads', { name, pipeline_id: (i % 2 === 0 ? first : second)._id }))),
      );

      for (const [i, answer] of answers.entries()) {
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        const expectedPipe = i % 2 === 0 ? first.name : 'Second, renamed elsewhere';
        assert.equal(answer.body.pipeline.name, expectedPipe);
        const stored = await h().ctx.db.selectFrom('leads').select(['id', 'pipeline_id']).where('account_id', '=', acct.accountId).where('name', '=', names[i]!).execute();
        assert.deepEqual(stored, [{ id: answer.body._id, pipeline_id: (i % 2 === 0 ? first : second)._id }], `${names[i]} is stored once`);
        const activities = await h().ctx.db.selectFrom('activities').select(['type', 'lead_seq']).where('lead_id', '=', answer.body._id).execute();
        assert.deepEqual(activities, [{ type: 'lead:created', lead_seq: 1 }]);
        assert.deepEqual(
          await deliveriesOf(answer.body._id),
          [...hooks].sort().map((webhook) => ({ webhook, seq: 1, pipe: expectedPipe })),
        );
      }
      // Nothing written for a lead that was not: a lead refused by its guard is made again under a new id.
      const db = h().ctx.db;
      const leads = (await db.selectFrom('leads').select('id').where('account_id', '=', acct.accountId).execute()).length;
      assert.equal(leads, names.length + 2);
      const activities = await db.selectFrom('activities').select(({ fn }) => fn.countAll<number>().as('n')).where('account_id', '=', acct.accountId).executeTakeFirstOrThrow();
      const deliveries = await db.selectFrom('deliveries').select(({ fn }) => fn.countAll<number>().as('n')).where('account_id', '=', acct.accountId).executeTakeFirstOrThrow();
      assert.deepEqual([Number(activities.n), Number(deliveries.n)], [leads, leads * hooks.length]);
      if (h().dialect === 'postgres') {
        assert.ok(Math.max(...batches) > 1, `some statement carried several leads: ${batches.join(', ')}`);
        assert.ok(batches.reduce((a, b) => a + b, 0) >= names.length, 'every lead went through a batched statement first');
      } else {
        assert.deepEqual(batches, [], 'SQLite writes every new lead in a transaction');
      }
    });

    if (dialect === 'postgres') {
      it('stores a name with a lone UTF-16 surrogate as a text parameter would (U+FFFD), not as an error', async () => {
        const acct = await h().account();
        const pipe = await acct.pipeline();
        await acct.api('POST', '/webhooks', { url: 'https://example.test/a' });
        assert.equal((await acct.api('POST', '/leads', { name: 'warm-up', pipeline_id: pipe._id })).status, 201);
        const { result: created, batches } = await countingBatches(() => acct.api('POST', '/leads', { name: 'Broken \ud800 pair', pipeline_id: pipe._id }));
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.deepEqual(batches, [1]);
        const stored = await h().ctx.db.selectFrom('leads').select('name').where('id', '=', created.body._id).executeTakeFirstOrThrow();
        assert.equal(stored.name, 'Broken \ufffd pair');
      });

      it('keeps a statement to at most 1,000 deliveries when the account has many webhooks', async () => {
        const acct = await h().account();
        const pipe = await acct.pipeline();
        for (let i = 0; i < 40; i++) assert.equal((await acct.api('POST', '/webhooks', { url: `https://example.test/${i}` })).status, 201);
        assert.equal((await acct.api('POST', '/leads', { name: 'warm-up', pipeline_id: pipe._id })).status, 201);
        const names = Array.from({ length: 60 }, (_, i) => `Wide ${i}`);
        const { result: answers, batches, deliveries } = await countingBatches(() =>
          Promise.all(names.map((name) => acct.api('POST', '/leads', { name, pipeline_id: pipe._id }))),
        );
        for (const answer of answers) {
          assert.equal(answer.status, 201);
          assert.equal((await deliveriesOf(answer.body._id)).length, 40);
        }
        assert.ok(Math.max(...deliveries) <= 1_000, `deliveries per statement: ${deliveries.join(', ')}`);
        assert.ok(Math.max(...batches) > 1, `leads per statement: ${batches.join(', ')}`);
        assert.equal(batches.reduce((a, b) => a + b, 0), names.length);
      });

      it('answers the leads waiting behind a statement that hangs 503 after the time the pool waits for a connection, and writes none of them', async () => {
        const acct = await h().account();
        const pipe = await acct.pipeline();
        await acct.api('POST', '/webhooks', { url: 'https://example.test/a' });
        assert.equal((await acct.api('POST', '/leads', { name: 'warm-up', pipeline_id: pipe._id })).status, 201);
        // The first batched statement waits for the gate, as with the database stalled.
        await withFirstStatementHeld(h().ctx.db, BATCHED_LEADS, async (held) => {
          const stalled = acct.api('POST', '/leads', { name: 'Stalled', pipeline_id: pipe._id });
          await held.reached();
          const behind = await Promise.all(['Behind 1', 'Behind 2'].map((name) => acct.api('POST', '/leads', { name, pipeline_id: pipe._id })));
          for (const answer of behind) assertWaitedOut(answer);
          held.release();
          assert.equal((await stalled).status, 201);
        });
        const names = (await h().ctx.db.selectFrom('leads').select('name').where('account_id', '=', acct.accountId).execute()).map((r) => r.name).sort();
        assert.deepEqual(names, ['Stalled', 'warm-up']);
      });

      it('answers a lead whose statement fails with its own error, and writes the others of that statement', async () => {
        const acct = await h().account();
        const pipe = await acct.pipeline();
        await acct.api('POST', '/webhooks', { url: 'https://example.test/a' });
        assert.equal((await acct.api('POST', '/leads', { name: 'warm-up', pipeline_id: pipe._id })).status, 201);

        const actor = actorOf(acct);
        // The third lead's size is not a number: PostgreSQL refuses the statement that carries it.
        const names = ['One', 'Two', 'Three', 'Four', 'Five'];
        const { result: outcomes, batches } = await countingBatches(() =>
          Promise.allSettled(names.map((name) => h().ctx.recorder.recordNewLeadAtOnce(actor, newLead(acct, pipe._id, name, name === 'Three' ? 'not a number' : null)))),
        );

        assert.deepEqual(
          outcomes.map((o) => o.status),
          ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /invalid input syntax/);
        // One alone (nothing was on its way), the four that waited together, then those four again one by one.
        assert.deepEqual(batches, [1, 4, 1, 1, 1, 1]);
        for (const name of names) {
          const stored = await h().ctx.db.selectFrom('leads').select('id').where('account_id', '=', acct.accountId).where('name', '=', name).execute();
          assert.equal(stored.length, name === 'Three' ? 0 : 1, name);
          for (const { id } of stored) assert.equal((await deliveriesOf(id)).length, 1, `${name} has its delivery`);
        }
      });
    }
  });
}

function actorOf(acct: TestAccount): Actor {
  return { accountId: acct.accountId, user: { _id: acct.userId, name: acct.ownerName, photo_url: null, email: 'owner@example.test', role: 'admin' } };
}

/** recordNewLeadAtOnce's `build` for a lead in the first stage of a remembered pipeline, with the given `size`. */
function newLead(acct: TestAccount, pipelineId: string, name: string, size: unknown) {
  return (now: Date) => {
    const remembered = rememberedNewLead(acct.accountId, pipelineId, undefined, (pipeline, stage) => ({
      ...newLeadRow(newId(now), actorOf(acct), { name, pipeline_id: pipelineId }, pipeline, stage, undefined, now),
      size: size as number | null,
    }));
    assert.ok(remembered, 'the pipeline is remembered');
    const { row, pipeline, stage } = remembered;
    return { insert: remembered.insert, leadId: row.id, lead: { _id: row.id, name, stage: { _id: stage._id, name: stage.name }, pipe: { _id: pipeline._id, name: pipeline.name } } };
  };
}
