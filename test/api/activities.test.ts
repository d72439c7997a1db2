// The activities API (PRODUCT §7): filters, the ascending `after` cursor, paging, and
// `GET /event-types` in the webhook shape of PRODUCT §3.
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

    it('filters by type, pages, and walks forward from an `after` cursor', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      for (const content of ['n1', 'n2', 'n3']) await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content });
      await ok(acct, 'POST', `/leads/${lead._id}/emails`, { subject: 'hi' });
      const all = await ok(acct, 'GET', '/activities');
      assert.deepEqual(all.map((a: any) => a.type), ['lead:created', 'note:created', 'note:created', 'note:created', 'email:received']);

      const notes = await ok(acct, 'GET', '/activities?filter_type=note:created,email:received');
      assert.deepEqual(notes.map((a: any) => a.note_content ?? a.subject), ['n1', 'n2', 'n3', 'hi']);
      const page2 = await ok(acct, 'GET', '/activities?filter_type=note:created&size=2&page=2');
      assert.deepEqual(page2.map((a: any) => a.note_content), ['n3']);
      const after = await ok(acct, 'GET', `/activities?after=${all[1]._id}`);
      assert.deepEqual(after.map((a: any) => a._id), [all[2]._id, all[3]._id, all[4]._id]);
      const afterFiltered = await ok(acct, 'GET', `/activities?after=${all[1]._id}&filter_type=email:received`);
      assert.deepEqual(afterFiltered.map((a: any) => a._id), [all[4]._id]);
      assert.deepEqual(await ok(acct, 'GET', `/activities?after=${all[4]._id}`), []);

      const unknown = await acct.api('GET', '/activities?filter_type=note:created,lead:exploded');
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'validation_failed');
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
