import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';

for (const dialect of DIALECTS) {
  describe(`leads [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('creates a lead in the first stage of a pipeline and records lead:created', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      assert.deepEqual(pipe.stages.map((s) => s.name), ['Lead In', 'Contact Made', 'Proposal', 'Offer', 'Negotiation']);
      const created = await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id });
      assert.equal(created.status, 201);
      assert.equal(created.body.stage.name, 'Lead In');
      assert.equal(created.body.status, 'open');
      const activities = await acct.api('GET', `/leads/${created.body._id}/activities`);
      assert.equal(activities.status, 200);
      assert.deepEqual(
        activities.body.map((a: { type: string }) => a.type),
        ['lead:created'],
      );
    });

    it('records several changes of one call in the order of the table', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id, size: 100 })).body;
      const updated = await acct.api('PUT', `/leads/${lead._id}`, {
        size: 250,
        user_id: acct.userId,
        status: 'won',
        name: 'Acme Corp',
        stage_id: pipe.stages[3]!._id,
      });
      assert.equal(updated.status, 200);
      const activities = (await acct.api('GET', `/leads/${lead._id}/activities?order=asc`)).body as Array<Record<string, unknown>>;
      assert.deepEqual(
        activities.map((a) => a.type),
        ['lead:created', 'lead:moved', 'lead:name_changed', 'lead:won', 'lead:assigned', 'lead:size_changed'],
      );
      assert.deepEqual(activities[1], {
        _id: activities[1]!._id,
        created_at: '2026-01-05T09:00:00Z',
        old_stage_name: 'Lead In',
        new_stage_name: 'Offer',
        type: 'lead:moved',
        user: { _id: acct.userId, name: acct.ownerName, photo_url: null },
        lead_id: lead._id,
        lead: { _id: lead._id, name: 'Acme Corp' },
        pipeline: { _id: pipe._id, name: 'Default' },
        lead_name: 'Acme Corp',
        user_name: acct.ownerName,
        pipeline_name: 'Default',
      });
      assert.deepEqual(activities[5], {
        _id: activities[5]!._id,
        created_at: '2026-01-05T09:00:00Z',
        lead_size: 250,
        old_lead_size: 100,
        type: 'lead:size_changed',
        user: activities[5]!.user,
        lead_id: lead._id,
        lead: { _id: lead._id, name: 'Acme Corp' },
        pipeline: { _id: pipe._id, name: 'Default' },
        lead_name: 'Acme Corp',
        user_name: acct.ownerName,
        pipeline_name: 'Default',
      });
    });
  });
}
