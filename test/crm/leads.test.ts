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

for (const dialect of DIALECTS) {
  describe(`lead writes without read-back [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('answers a PUT with the lead as a read shows it, moved to another pipeline and reassigned', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const other = await acct.api('POST', '/pipelines', { name: 'Renewals', stages: ['Due', 'Renewed'] });
      const member = await acct.api('POST', '/users', { name: 'Mia', email: `mia-leads-${dialect}@example.test`, role: 'member', photo_url: 'https://example.test/mia.png' });
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id, user_id: acct.userId })).body;
      assert.deepEqual(lead, (await acct.api('GET', `/leads/${lead._id}`)).body, 'POST answers what GET shows');

      h().clock.advance(1_000);
      const renewed = other.body.stages[1]._id;
      const moved = await acct.api('PUT', `/leads/${lead._id}`, { stage_id: renewed, user_id: member.body._id, status: 'won', close_reason: 'price' });
      assert.equal(moved.status, 200);
      assert.deepEqual(moved.body.pipeline, { _id: other.body._id, name: 'Renewals' });
      assert.deepEqual(moved.body.stage, { _id: renewed, name: 'Renewed' });
      assert.deepEqual(moved.body.user, { _id: member.body._id, name: 'Mia', photo_url: 'https://example.test/mia.png' });
      assert.deepEqual(moved.body, (await acct.api('GET', `/leads/${lead._id}`)).body);
      const unassigned = await acct.api('PUT', `/leads/${lead._id}`, { user_id: null, archived: true });
      assert.equal(unassigned.body.user, null);
      assert.deepEqual(unassigned.body, (await acct.api('GET', `/leads/${lead._id}`)).body);
      h().clock.advance(-1_000);
    });

    it('numbers the activities of a lead 1, 2, 3, … across creates and updates, and the webhook snapshot shows the new stage', async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      await acct.api('POST', '/webhooks', { url: 'https://example.test/hook' });
      const lead = (await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id })).body;
      await acct.api('PUT', `/leads/${lead._id}`, { size: 10 });
      await acct.api('PUT', `/leads/${lead._id}`, { archived: true }); // no activity: takes no number
      await acct.api('PUT', `/leads/${lead._id}`, { name: 'Acme Corp', stage_id: pipe.stages[2]!._id });
      const rows = await h()
        .ctx.db.selectFrom('deliveries')
        .select(['type', 'lead_seq', 'lead_prev_seq', 'body'])
        .where('lead_id', '=', lead._id)
        .orderBy('lead_seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.type, r.lead_seq, r.lead_prev_seq]),
        [
          ['lead:created', 1, 0],
          ['lead:size_changed', 2, 1],
          ['lead:moved', 3, 2],
          ['lead:name_changed', 4, 3],
        ],
      );
      assert.deepEqual(JSON.parse(rows[3]!.body).lead.stage, { _id: pipe.stages[2]!._id, name: pipe.stages[2]!.name });
    });
  });
}
