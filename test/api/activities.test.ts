// The activities API (docs/SPEC.md §7): newest first, filters, the `after`/`before` cursors, paging, and
// `GET /event-types` in the webhook shape of docs/SPEC.md §3.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { newLead, ok } from './fixtures.ts';

const ALL_TYPES = [
  'lead:created', 'lead:moved', 'lead:name_changed', 'lead:won', 'lead:lost', 'lead:assigned', 'lead:unassigned',
  'lead:size_changed', 'lead:restored', 'todo:created', 'todo:name_changed', 'todo:type_changed', 'todo:date_changed',
  'todo:time_changed', 'todo:done_changed', 'todo:deleted', 'note:created', 'note:updated', 'note:deleted',
  'attachment:created', 'attachment:deleted', 'record:created', 'record:updated', 'record:deleted', 'contact:added',
  'contact:removed', 'product:added', 'product:removed', 'zone:added', 'zone:removed', 'source:added', 'source:removed',
  'email:received',
];

for (const dialect of DIALECTS) {
  describe(`activities API [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('lists newest first, filters by type, pages, and walks forward from `after` / back from `before`', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      for (const content of ['n1', 'n2', 'n3']) await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content });
      await ok(acct, 'POST', `/leads/${lead._id}/emails`, { subject: 'hi' });
      const all = await ok(acct, 'GET', '/activities');
      assert.deepEqual(all.map((a: any) => a.type), ['email:received', 'note:created', 'note:created', 'note:created', 'lead:created']);
      const recorded = await ok(acct, 'GET', '/activities?order=asc');
      assert.deepEqual(recorded.map((a: any) => a._id), [...all].reverse().map((a: any) => a._id));

      const notes = await ok(acct, 'GET', '/activities?filter_type=note:created,email:received');
      assert.deepEqual(notes.map((a: any) => a.note_content ?? a.subject), ['hi', 'n3', 'n2', 'n1']);
      const page2 = await ok(acct, 'GET', '/activities?filter_type=note:created&size=2&page=2');
      assert.deepEqual(page2.map((a: any) => a.note_content), ['n1']);
      // `after` reads forward in recorded order, so the last item is the next cursor.
      const after = await ok(acct, 'GET', `/activities?after=${recorded[1]._id}`);
      assert.deepEqual(after.map((a: any) => a._id), [recorded[2]._id, recorded[3]._id, recorded[4]._id]);
      const afterFiltered = await ok(acct, 'GET', `/activities?after=${recorded[1]._id}&filter_type=email:received`);
      assert.deepEqual(afterFiltered.map((a: any) => a._id), [recorded[4]._id]);
      assert.deepEqual(await ok(acct, 'GET', `/activities?after=${recorded[4]._id}`), []);
      // `before` reads backwards, newest first: stable while new activities arrive.
      await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content: 'n4' });
      const before = await ok(acct, 'GET', `/activities?before=${recorded[3]._id}&size=2`);
      assert.deepEqual(before.map((a: any) => a._id), [recorded[2]._id, recorded[1]._id]);

      for (const query of ['filter_type=note:created,lead:exploded', 'before=ffffffffffffffffffffffff', 'order=sideways']) {
        const refused = await acct.api('GET', `/activities?${query}`);
        assert.equal(refused.status, 400, query);
        assert.equal(refused.body.error.code, 'validation_failed');
      }
    });

    it("shows ClinchPad's list fields: lead, pipeline, lead_name, user_name, pipeline_name", async () => {
      const acct = await h().account();
      const pipe = await acct.pipeline();
      const lead = await newLead(acct, { name: 'Globex' });
      const [created] = await ok(acct, 'GET', `/leads/${lead._id}/activities`);
      assert.deepEqual(created, {
        _id: created._id,
        created_at: '2026-01-05T09:00:00Z',
        type: 'lead:created',
        user: { _id: acct.userId, name: acct.ownerName, photo_url: null },
        lead_id: lead._id,
        lead: { _id: lead._id, name: 'Globex' },
        pipeline: { _id: pipe._id, name: 'Default' },
        lead_name: 'Globex',
        user_name: acct.ownerName,
        pipeline_name: 'Default',
      });
    });

    it('GET /event-types lists exactly the 33 types with fields and a §3 example payload', async () => {
      const acct = await h().account();
      const types = await ok(acct, 'GET', '/event-types');
      assert.deepEqual(types.map((t: any) => t.type), ALL_TYPES);
      // Each entry also carries its JSON Schema (tested in test/receiver/schemas.test.ts).
      const { schema, ...todoDate } = types.find((t: any) => t.type === 'todo:date_changed');
      assert.equal(schema.title, 'todo:date_changed');
      assert.deepEqual(todoDate, {
        type: 'todo:date_changed',
        description: 'Date of a todo was changed',
        fields: [
          { name: 'todo_name', kind: 'string', optional: false },
          { name: 'todo_date', kind: 'string', optional: false },
          { name: 'old_todo_date', kind: 'string', optional: true },
        ],
        example: {
          activity: {
            _id: '52cfbf76cce8b40f0f000005',
            created_at: '2026-01-10T09:37:58Z',
            todo_name: 'Call back',
            todo_date: '2026-01-16',
            old_todo_date: '2026-01-15',
            type: 'todo:date_changed',
            user: { _id: '52cf8c0acce8b4c375000001', name: 'Webhook Testing', photo_url: null },
          },
          lead: {
            _id: '52cfa124cce8b4d113000056',
            name: 'Webhook T',
            stage: { _id: '52cf8c0bcce8b4c37500000c', name: 'Offer' },
            pipe: { _id: '52cf8c0bcce8b4c375000008', name: 'Default' },
          },
        },
      });
      for (const t of types) {
        const keys = Object.keys(t.example.activity);
        assert.deepEqual(keys, ['_id', 'created_at', ...t.fields.map((f: any) => f.name), 'type', 'user'], t.type);
        assert.equal(t.example.activity.type, t.type);
      }
    });
  });
}
