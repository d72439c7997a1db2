// A new lead's pipeline is remembered between writes and checked by the lead's INSERT
// (src/crm/new-lead-pipelines.ts). Changes made behind this process's back (another API process,
// the CLI: here straight in the database) must show on the very next lead, in its answer and in
// the webhook's lead snapshot, and a remembered pipeline that is gone must not take a lead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';

for (const dialect of DIALECTS) {
  describe(`new leads and their pipeline [${dialect}]`, () => {
    const h = useHarness(dialect);

    async function setUp() {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      // Two leads: the pipeline is read for the first and remembered for the second.
      for (const name of ['First', 'Second']) assert.equal((await acct.api('POST', '/leads', { name, pipeline_id: pipe._id })).status, 201);
      return { acct, pipe, db: h().ctx.db };
    }

    /** The lead snapshot the webhook body carries, as stored with the lead's activity. */
    async function snapshotOf(leadId: string): Promise<{ stage: { _id: string; name: string }; pipe: { _id: string; name: string } }> {
      const row = await h().ctx.db.selectFrom('activities').select('lead_json').where('lead_id', '=', leadId).executeTakeFirstOrThrow();
      return JSON.parse(row.lead_json);
    }

    it('shows a pipeline and a stage renamed elsewhere on the next lead and in its webhook snapshot', async () => {
      const { acct, pipe, db } = await setUp();
      const first = pipe.stages[0]!;
      await db.updateTable('pipelines').set({ name: 'Renamed pipeline' }).where('id', '=', pipe._id).execute();
      await db.updateTable('stages').set({ name: 'Renamed stage' }).where('id', '=', first._id).execute();
      const created = await acct.api('POST', '/leads', { name: 'Third', pipeline_id: pipe._id });
      assert.equal(created.status, 201);
      assert.deepEqual([created.body.pipeline.name, created.body.stage._id, created.body.stage.name], ['Renamed pipeline', first._id, 'Renamed stage']);
      assert.deepEqual(await snapshotOf(created.body._id), { _id: created.body._id, name: 'Third', stage: { _id: first._id, name: 'Renamed stage' }, pipe: { _id: pipe._id, name: 'Renamed pipeline' } });
      const stored = await db.selectFrom('leads').select(['stage_id', 'pipeline_id']).where('id', '=', created.body._id).executeTakeFirstOrThrow();
      assert.deepEqual(stored, { stage_id: first._id, pipeline_id: pipe._id });
    });

    it('puts the next lead in the stage that is first now, after the stages were reordered elsewhere', async () => {
      const { acct, pipe, db } = await setUp();
      const [oldFirst, second] = pipe.stages;
      await db.updateTable('stages').set({ position: 100 }).where('id', '=', oldFirst!._id).execute();
      const created = await acct.api('POST', '/leads', { name: 'Third', pipeline_id: pipe._id });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.stage, { _id: second!._id, name: second!.name });
      assert.equal((await snapshotOf(created.body._id)).stage._id, second!._id);
    });

    it('refuses a stage deleted elsewhere, and a pipeline deleted elsewhere, and stores no lead for them', async () => {
      const { acct, pipe, db } = await setUp();
      const named = pipe.stages[2]!;
      assert.equal((await acct.api('POST', '/leads', { name: 'Named', pipeline_id: pipe._id, stage_id: named._id })).status, 201);
      await db.deleteFrom('stages').where('id', '=', named._id).execute();
      const stale = await acct.api('POST', '/leads', { name: 'Stale stage', pipeline_id: pipe._id, stage_id: named._id });
      assert.equal(stale.status, 400);
      await db.deleteFrom('stages').where('pipeline_id', '=', pipe._id).execute();
      await db.deleteFrom('pipelines').where('id', '=', pipe._id).execute();
      const gone = await acct.api('POST', '/leads', { name: 'Gone pipeline', pipeline_id: pipe._id });
      assert.equal(gone.status, 404);
      const names = (await db.selectFrom('leads').select('name').where('account_id', '=', acct.accountId).execute()).map((r) => r.name).sort();
      assert.deepEqual(names, ['First', 'Named', 'Second']);
    });

    it('checks the assignee after the pipeline, remembered or not, and stores the one given', async () => {
      const { acct, pipe, db } = await setUp();
      // Well-formed ids of nothing: the other account's (ids are checked for shape before any read).
      const other = await h().account();
      const otherPipe = await other.pipeline();
      const unknownPipeline = await acct.api('POST', '/leads', { name: 'Nowhere', pipeline_id: otherPipe._id, user_id: other.userId });
      assert.equal(unknownPipeline.status, 404);
      const unknownUser = await acct.api('POST', '/leads', { name: 'Nobody', pipeline_id: pipe._id, user_id: other.userId });
      assert.equal(unknownUser.status, 400);
      const assigned = await acct.api('POST', '/leads', { name: 'Assigned', pipeline_id: pipe._id, user_id: acct.userId });
      assert.equal(assigned.status, 201);
      assert.equal(assigned.body.user._id, acct.userId);
      const stored = await db.selectFrom('leads').select('user_id').where('id', '=', assigned.body._id).executeTakeFirstOrThrow();
      assert.equal(stored.user_id, acct.userId);
    });

    it('does not let one account use another account’s remembered pipeline', async () => {
      const { pipe } = await setUp();
      const other = await h().account();
      const created = await other.api('POST', '/leads', { name: 'Intruder', pipeline_id: pipe._id });
      assert.equal(created.status, 404);
      assert.equal((await h().ctx.db.selectFrom('leads').select('id').where('name', '=', 'Intruder').execute()).length, 0);
    });
  });
}
