// Every one of the 33 activity types of docs/SPEC.md §2, recorded by a real API call and read back with
// exactly its fields — optional ones omitted when they do not apply — both as the API lists it and
// as the webhook body carries it (ClinchPad's format exactly, nothing added). Expected values are
// written out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createWebhook } from '../helpers/webhooks.ts';
import { NOW, lastActivities, newLead, ok, upload } from '../api/fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`the 33 activity types [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV);
    /** The lead's name as the tests set it (activities show the name at the time). */
    const names = new Map<string, string>();

    /** A tenant with a webhook for every type (never sent: no worker runs), to read each body. */
    const account = async () => {
      const acct = await h().account();
      await createWebhook(acct, { url: 'http://127.0.0.1:9/hook', events: ['*'] });
      return acct;
    };

    /** The activity exactly as ClinchPad's webhook carries it, from its type and hand-written fields. */
    const webhookActivity = (acct: TestAccount, got: Record<string, any> | undefined, type: string, fields: object) => {
      assert.ok(got, `no activity where ${type} was expected`);
      assert.match(got._id, /^[0-9a-f]{24}$/);
      return { _id: got._id, created_at: NOW, ...fields, type, user: { _id: acct.userId, name: acct.ownerName, photo_url: null } };
    };
    /** The activity as the API lists it: the webhook's fields plus ClinchPad's list fields. */
    const expected = async (acct: TestAccount, leadId: string, got: Record<string, any> | undefined, type: string, fields: object) => {
      const pipe = await acct.pipeline();
      const leadName = names.get(leadId) ?? 'Acme';
      return {
        ...webhookActivity(acct, got, type, fields),
        lead_id: leadId,
        lead: { _id: leadId, name: leadName },
        pipeline: { _id: pipe._id, name: 'Default' },
        lead_name: leadName,
        user_name: acct.ownerName,
        pipeline_name: 'Default',
      };
    };
    /** The webhook body of that activity: exactly `{activity, lead}` in ClinchPad's format, nothing added. */
    const assertWebhookBody = async (acct: TestAccount, leadId: string, got: Record<string, any> | undefined, type: string, fields: object) => {
      const want = webhookActivity(acct, got, type, fields);
      const row = await h().ctx.db.selectFrom('deliveries').select('body').where('activity_id', '=', want._id).executeTakeFirstOrThrow();
      const body = JSON.parse(row.body);
      assert.deepEqual(Object.keys(body), ['activity', 'lead']);
      assert.deepEqual(body.activity, want);
      assert.deepEqual(Object.keys(body.lead), ['_id', 'name', 'stage', 'pipe']);
      assert.deepEqual({ _id: body.lead._id, name: body.lead.name }, { _id: leadId, name: names.get(leadId) ?? 'Acme' });
    };
    const assertLast = async (acct: TestAccount, leadId: string, type: string, fields: object) => {
      const [got] = await lastActivities(acct, leadId);
      assert.deepEqual(got, await expected(acct, leadId, got, type, fields));
      await assertWebhookBody(acct, leadId, got, type, fields);
    };
    /** The last activities of one call, in table order. */
    const assertLastMany = async (acct: TestAccount, leadId: string, wanted: Array<[string, object]>) => {
      const got = await lastActivities(acct, leadId, wanted.length);
      assert.deepEqual(
        got,
        await Promise.all(wanted.map(([type, fields], i) => expected(acct, leadId, got[i], type, fields))),
      );
      for (const [i, [type, fields]] of wanted.entries()) await assertWebhookBody(acct, leadId, got[i], type, fields);
    };
    const activityCount = async (acct: TestAccount, leadId: string) => (await ok(acct, 'GET', `/leads/${leadId}/activities?size=500`)).length;

    it('lead: created, moved, name_changed, won, lost, assigned, unassigned, size_changed, restored', async () => {
      const acct = await account();
      const pipe = await acct.pipeline();
      const lead = await newLead(acct, { name: 'Acme' });
      await assertLast(acct, lead._id, 'lead:created', {});
      const url = `/leads/${lead._id}`;

      await ok(acct, 'PUT', url, { stage_id: pipe.stages[2]!._id });
      await assertLast(acct, lead._id, 'lead:moved', { old_stage_name: 'Lead In', new_stage_name: 'Proposal' });
      await ok(acct, 'PUT', url, { name: 'Acme Ltd' });
      names.set(lead._id, 'Acme Ltd');
      await assertLast(acct, lead._id, 'lead:name_changed', { old_lead_name: 'Acme' });
      await ok(acct, 'PUT', url, { status: 'won' });
      await assertLast(acct, lead._id, 'lead:won', {});
      await ok(acct, 'PUT', url, { status: 'lost' });
      await assertLast(acct, lead._id, 'lead:lost', {});
      await ok(acct, 'PUT', url, { user_id: acct.userId });
      await assertLast(acct, lead._id, 'lead:assigned', { lead_assigned_to_name: acct.ownerName });
      await ok(acct, 'PUT', url, { user_id: null });
      await assertLast(acct, lead._id, 'lead:unassigned', { old_lead_assigned_to_name: acct.ownerName });
      // The first value has no old value: old_lead_size is omitted.
      await ok(acct, 'PUT', url, { size: 1200 });
      await assertLast(acct, lead._id, 'lead:size_changed', { lead_size: 1200 });
      await ok(acct, 'PUT', url, { size: 1500.5 });
      await assertLast(acct, lead._id, 'lead:size_changed', { lead_size: 1500.5, old_lead_size: 1200 });
      await ok(acct, 'PUT', url, { archived: true });
      const beforeRestore = await activityCount(acct, lead._id);
      await ok(acct, 'PUT', url, { archived: false });
      await assertLast(acct, lead._id, 'lead:restored', {});
      assert.equal(await activityCount(acct, lead._id), beforeRestore + 1, 'archiving records nothing; restoring one activity');
    });

    it('todo:created with and without date and time', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      await ok(acct, 'POST', `/leads/${lead._id}/todos`, { name: 'Call back', type: 'Call' });
      await assertLast(acct, lead._id, 'todo:created', { todo_name: 'Call back', todo_type: 'Call' });
      await ok(acct, 'POST', `/leads/${lead._id}/todos`, { name: 'Meet', type: 'Meetup', date: '2026-02-28', time: '9:30 AM' });
      await assertLast(acct, lead._id, 'todo:created', { todo_name: 'Meet', todo_type: 'Meetup', todo_date: '2026-02-28', todo_time: '9:30 AM' });
      await ok(acct, 'POST', `/leads/${lead._id}/todos`, { name: 'Send', type: 'Email', date: null, time: '12:05 PM' });
      await assertLast(acct, lead._id, 'todo:created', { todo_name: 'Send', todo_type: 'Email', todo_time: '12:05 PM' });
    });

    it('todo: name, type, date, time and done changes, one activity each, in table order', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const todo = await ok(acct, 'POST', `/leads/${lead._id}/todos`, { name: 'Call back', type: 'Call' });
      const url = `/leads/${lead._id}/todos/${todo._id}`;

      // No old date or time: old_todo_date / old_todo_time are omitted.
      await ok(acct, 'PUT', url, { date: '2026-03-01', time: '11:00 AM' });
      await assertLastMany(acct, lead._id, [
        ['todo:date_changed', { todo_name: 'Call back', todo_date: '2026-03-01' }],
        ['todo:time_changed', { todo_name: 'Call back', todo_time: '11:00 AM' }],
      ]);
      // Every field at once: five activities in the order of docs/SPEC.md §2, named after the new name.
      const updated = await ok(acct, 'PUT', url, { done: true, time: '2:15 PM', date: '2026-03-02', type: 'Task', name: 'Call Monday' });
      assert.deepEqual(
        { name: updated.name, type: updated.type, date: updated.date, time: updated.time, done: updated.done },
        { name: 'Call Monday', type: 'Task', date: '2026-03-02', time: '2:15 PM', done: true },
      );
      await assertLastMany(acct, lead._id, [
        ['todo:name_changed', { todo_name: 'Call Monday', old_todo_name: 'Call back' }],
        ['todo:type_changed', { todo_name: 'Call Monday', todo_type: 'Task', old_todo_type: 'Call' }],
        ['todo:date_changed', { todo_name: 'Call Monday', todo_date: '2026-03-02', old_todo_date: '2026-03-01' }],
        ['todo:time_changed', { todo_name: 'Call Monday', todo_time: '2:15 PM', old_todo_time: '11:00 AM' }],
        ['todo:done_changed', { todo_name: 'Call Monday', todo_done: true }],
      ]);
      await ok(acct, 'PUT', url, { done: false });
      await assertLast(acct, lead._id, 'todo:done_changed', { todo_name: 'Call Monday', todo_done: false });

      const count = await activityCount(acct, lead._id);
      await ok(acct, 'PUT', url, { name: 'Call Monday', type: 'Task', done: false });
      assert.equal(await activityCount(acct, lead._id), count, 'changing nothing records nothing');

      await ok(acct, 'DELETE', url);
      await assertLast(acct, lead._id, 'todo:deleted', { todo_name: 'Call Monday' });
      assert.equal((await acct.api('GET', url)).status, 404);
    });

    it('note: created, updated, deleted', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const note = await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content: 'Hello world!' });
      await assertLast(acct, lead._id, 'note:created', { note_content: 'Hello world!' });
      const url = `/leads/${lead._id}/notes/${note._id}`;
      await ok(acct, 'PUT', url, { content: 'Hello again!' });
      await assertLast(acct, lead._id, 'note:updated', { note_content: 'Hello again!' });
      const count = await activityCount(acct, lead._id);
      await ok(acct, 'PUT', url, { content: 'Hello again!' });
      assert.equal(await activityCount(acct, lead._id), count, 'the same content records nothing');
      assert.deepEqual(await ok(acct, 'DELETE', url), {});
      await assertLast(acct, lead._id, 'note:deleted', { note_content: 'Hello again!' });
    });

    it('attachment: created (link and upload) and deleted', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const link = await ok(acct, 'POST', `/leads/${lead._id}/attachments`, { filename: 'spec.pdf', url: 'https://files.example.com/spec.pdf' });
      await assertLast(acct, lead._id, 'attachment:created', {
        attachment_filename: 'spec.pdf',
        attachment_url: 'https://files.example.com/spec.pdf',
      });
      const uploaded = await upload(h().app, acct, lead._id, 'notes.txt', Buffer.from('hello'));
      assert.equal(uploaded.status, 201);
      assert.match(uploaded.body.url, /^http:\/\/127\.0\.0\.1:3000\/files\/[0-9a-f]{24}[A-Za-z0-9_-]{32}\/notes\.txt$/);
      await assertLast(acct, lead._id, 'attachment:created', { attachment_filename: 'notes.txt', attachment_url: uploaded.body.url });
      await ok(acct, 'DELETE', `/leads/${lead._id}/attachments/${link._id}`);
      await assertLast(acct, lead._id, 'attachment:deleted', { attachment_filename: 'spec.pdf' });
    });

    it('record: created, updated (with and without an old value), deleted', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const field = await ok(acct, 'POST', `/leads/${lead._id}/fields`, { name: 'Budget', value: '' });
      await assertLast(acct, lead._id, 'record:created', { record_name: 'Budget', record_value: '' });
      const url = `/leads/${lead._id}/fields/${field._id}`;
      // The old value was empty: old_record_value is omitted.
      await ok(acct, 'PUT', url, { value: 'Q3' });
      await assertLast(acct, lead._id, 'record:updated', { record_name: 'Budget', record_value: 'Q3' });
      await ok(acct, 'PUT', url, { name: 'Budget', value: 'Q4' });
      await assertLast(acct, lead._id, 'record:updated', { record_name: 'Budget', record_value: 'Q4', old_record_value: 'Q3' });
      await ok(acct, 'DELETE', url);
      await assertLast(acct, lead._id, 'record:deleted', { record_name: 'Budget', record_value: 'Q4' });
    });

    it('contact, zone and source: added once (re-PUT records nothing) and removed', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const cases = [
        ['contacts', { name: 'Grace Hopper', email: 'grace@example.com' }, 'contact', 'contact_name', 'Grace Hopper'],
        ['zones', { name: 'EMEA' }, 'zone', 'zone_name', 'EMEA'],
        ['sources', { name: 'Website' }, 'source', 'source_name', 'Website'],
      ] as const;
      for (const [path, body, kind, field, name] of cases) {
        const item = await ok(acct, 'POST', `/${path}`, body);
        const url = `/leads/${lead._id}/${path}/${item._id}`;
        await ok(acct, 'PUT', url);
        await assertLast(acct, lead._id, `${kind}:added`, { [field]: name });
        const count = await activityCount(acct, lead._id);
        await ok(acct, 'PUT', url);
        assert.equal(await activityCount(acct, lead._id), count, `re-linking a ${kind} records nothing`);
        assert.deepEqual((await ok(acct, 'GET', `/leads/${lead._id}/${path}`)).map((x: { _id: string }) => x._id), [item._id]);
        await ok(acct, 'DELETE', url);
        await assertLast(acct, lead._id, `${kind}:removed`, { [field]: name });
        assert.equal((await acct.api('DELETE', url)).status, 404, 'not linked any more');
      }
    });

    it('product: added with the link price, the product price or none, and removed', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const priced = await ok(acct, 'POST', '/products', { name: 'Annual licence', price: 499 });
      const unpriced = await ok(acct, 'POST', '/products', { name: 'Consulting' });
      const pricedUrl = `/leads/${lead._id}/products/${priced._id}`;

      await ok(acct, 'PUT', pricedUrl, { quantity: 3 });
      await assertLast(acct, lead._id, 'product:added', { product_name: 'Annual licence', product_quantity: 3, product_price: 499 });
      let count = await activityCount(acct, lead._id);
      await ok(acct, 'PUT', pricedUrl, { quantity: 3 });
      assert.equal(await activityCount(acct, lead._id), count, 'the same quantity and price record nothing');
      const relinked = await ok(acct, 'PUT', pricedUrl, { quantity: 4, price: 450.25 });
      assert.deepEqual(relinked, { _id: priced._id, name: 'Annual licence', quantity: 4, price: 450.25, discount: 0, lead_price: 450.25, product_price: 499 });
      await assertLast(acct, lead._id, 'product:added', { product_name: 'Annual licence', product_quantity: 4, product_price: 450.25 });

      await ok(acct, 'PUT', `/leads/${lead._id}/products/${unpriced._id}`, { quantity: 1.5 });
      await assertLast(acct, lead._id, 'product:added', { product_name: 'Consulting', product_quantity: 1.5 });
      assert.deepEqual(await ok(acct, 'GET', `/leads/${lead._id}/products`), [
        { _id: priced._id, name: 'Annual licence', quantity: 4, price: 450.25, discount: 0, lead_price: 450.25, product_price: 499 },
        { _id: unpriced._id, name: 'Consulting', quantity: 1.5, price: null, discount: 0, lead_price: null, product_price: null },
      ]);

      await ok(acct, 'DELETE', pricedUrl);
      await assertLast(acct, lead._id, 'product:removed', { product_name: 'Annual licence', product_quantity: 4 });
      count = await activityCount(acct, lead._id);
      assert.equal((await acct.api('DELETE', pricedUrl)).status, 404);
      assert.equal(await activityCount(acct, lead._id), count);
    });

    it('email:received, read back through GET /activities/:id too', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const email = await ok(acct, 'POST', `/leads/${lead._id}/emails`, {
        subject: 'Re: your proposal',
        from: 'grace@example.com',
        to: 'sales@example.com',
        body: 'Looks good.',
      });
      assert.deepEqual(email, {
        _id: email._id,
        lead: { _id: lead._id, name: 'Acme' },
        subject: 'Re: your proposal',
        from: 'grace@example.com',
        to: 'sales@example.com',
        body: 'Looks good.',
        created_at: NOW,
      });
      const [listed] = await lastActivities(acct, lead._id);
      const single = await ok(acct, 'GET', `/activities/${listed!._id}`);
      assert.deepEqual(single, await expected(acct, lead._id, listed, 'email:received', { subject: 'Re: your proposal' }));
      await assertWebhookBody(acct, lead._id, listed, 'email:received', { subject: 'Re: your proposal' });
    });

    it('deleting a catalogue item unlinks it from leads silently', async () => {
      const acct = await account();
      const lead = await newLead(acct);
      const zone = await ok(acct, 'POST', '/zones', { name: 'APAC' });
      await ok(acct, 'PUT', `/leads/${lead._id}/zones/${zone._id}`);
      const count = await activityCount(acct, lead._id);
      await ok(acct, 'DELETE', `/zones/${zone._id}`);
      assert.deepEqual(await ok(acct, 'GET', `/leads/${lead._id}/zones`), []);
      assert.equal(await activityCount(acct, lead._id), count, 'a change outside the lead records nothing');
    });
  });
}
