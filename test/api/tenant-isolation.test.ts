// docs/SPEC.md §5: an id from another account answers 404 on every route, and changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { activitiesOf, newLead, ok, upload } from './fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`tenant isolation [${dialect}]`, () => {
    const h = useHarness(dialect);

    /** Account A with one of everything. */
    async function seed(acct: TestAccount) {
      const pipe = await acct.pipeline();
      const lead = await newLead(acct, { name: 'Secret deal' });
      const on = (path: string, body: object) => ok(acct, 'POST', `/leads/${lead._id}/${path}`, body);
      const ids = {
        pipeline: pipe._id,
        stage: pipe.stages[0]!._id,
        lead: lead._id,
        user: acct.userId,
        todo: (await on('todos', { name: 'Call', type: 'Call' }))._id,
        note: (await on('notes', { content: 'private' }))._id,
        field: (await on('fields', { name: 'Budget', value: '1M' }))._id,
        email: (await on('emails', { subject: 'Hello' }))._id,
        attachment: (await upload(h().app, acct, lead._id, 'a.txt', Buffer.from('a'))).body._id as string,
        contact: (await ok(acct, 'POST', '/contacts', { name: 'Grace' }))._id,
        product: (await ok(acct, 'POST', '/products', { name: 'Licence', price: 10 }))._id,
        zone: (await ok(acct, 'POST', '/zones', { name: 'EMEA' }))._id,
        source: (await ok(acct, 'POST', '/sources', { name: 'Web' }))._id,
        organization: (await ok(acct, 'POST', '/organizations', { name: 'Acme Inc' }))._id,
        contactField: (await ok(acct, 'POST', '/contact-fields', { name: 'Birthday' }))._id,
        organizationField: (await ok(acct, 'POST', '/organization-fields', { name: 'Industry' }))._id,
        activity: '',
      };
      await ok(acct, 'PUT', `/contacts/${ids.contact}/fields/${ids.contactField}`, { value: '1906-12-09' }, 200);
      await ok(acct, 'PUT', `/contacts/${ids.contact}`, { organization_id: ids.organization }, 200);
      await ok(acct, 'PUT', `/leads/${lead._id}/contacts/${ids.contact}`);
      await ok(acct, 'PUT', `/leads/${lead._id}/products/${ids.product}`, { quantity: 1 });
      ids.activity = (await activitiesOf(acct, lead._id))[0]!._id;
      return ids;
    }

    /** Everything account A can read, to compare before and after the other account's attempts. */
    async function snapshot(acct: TestAccount, ids: Awaited<ReturnType<typeof seed>>) {
      const paths = [
        `/leads/${ids.lead}`,
        `/pipelines/${ids.pipeline}`,
        '/activities?size=500',
        ...['todos', 'notes', 'fields', 'emails', 'attachments', 'contacts', 'products', 'zones', 'sources'].map((p) => `/leads/${ids.lead}/${p}`),
        ...['contacts', 'products', 'zones', 'sources', 'organizations', 'contact-fields', 'organization-fields'].map((p) => `/${p}`),
      ];
      return Promise.all(paths.map((p) => ok(acct, 'GET', p)));
    }

    it('answers 404 to another account on every route that takes an id, and changes nothing', async () => {
      const owner = await h().account();
      const other = await h().account();
      const ids = await seed(owner);
      const ownLead = await newLead(other);
      const before = await snapshot(owner, ids);
      const L = `/leads/${ids.lead}`;
      const mine = `/leads/${ownLead._id}`;

      const routes: Array<[string, string, unknown?]> = [
        ['GET', `/users/${ids.user}`],
        ['GET', `/pipelines/${ids.pipeline}`],
        ['PUT', `/pipelines/${ids.pipeline}`, { name: 'x' }],
        ['DELETE', `/pipelines/${ids.pipeline}`],
        ['GET', `/pipelines/${ids.pipeline}/stages`],
        ['POST', `/pipelines/${ids.pipeline}/stages`, { name: 'x' }],
        ['GET', `/pipelines/${ids.pipeline}/stages/${ids.stage}`],
        ['PUT', `/stages/${ids.stage}`, { name: 'x' }],
        ['DELETE', `/stages/${ids.stage}`],
        ['POST', '/leads', { name: 'x', pipeline_id: ids.pipeline }],
        ['GET', L],
        ['PUT', L, { name: 'x' }],
        ['DELETE', L],
        ['GET', `${L}/activities`],
        ['GET', `/activities/${ids.activity}`],
        ['GET', `${L}/todos`],
        ['POST', `${L}/todos`, { name: 'x', type: 'Call' }],
        ['GET', `${L}/todos/${ids.todo}`],
        ['PUT', `${L}/todos/${ids.todo}`, { name: 'x' }],
        ['DELETE', `${L}/todos/${ids.todo}`],
        ['GET', `${mine}/todos/${ids.todo}`],
        ['PUT', `${mine}/todos/${ids.todo}`, { name: 'x' }],
        ['DELETE', `${mine}/todos/${ids.todo}`],
        ['GET', `${L}/notes`],
        ['POST', `${L}/notes`, { content: 'x' }],
        ['GET', `${L}/notes/${ids.note}`],
        ['PUT', `${L}/notes/${ids.note}`, { content: 'x' }],
        ['DELETE', `${L}/notes/${ids.note}`],
        ['DELETE', `${mine}/notes/${ids.note}`],
        ['GET', `${L}/fields`],
        ['POST', `${L}/fields`, { name: 'x', value: 'y' }],
        ['GET', `${L}/fields/${ids.field}`],
        ['PUT', `${L}/fields/${ids.field}`, { value: 'x' }],
        ['DELETE', `${L}/fields/${ids.field}`],
        ['PUT', `${mine}/fields/${ids.field}`, { value: 'x' }],
        ['GET', `${L}/emails`],
        ['POST', `${L}/emails`, { subject: 'x' }],
        ['GET', `${L}/emails/${ids.email}`],
        ['GET', `${mine}/emails/${ids.email}`],
        ['GET', `${L}/attachments`],
        ['POST', `${L}/attachments`, { filename: 'x', url: 'https://example.com/x' }],
        ['GET', `${L}/attachments/${ids.attachment}`],
        ['DELETE', `${L}/attachments/${ids.attachment}`],
        ['DELETE', `${mine}/attachments/${ids.attachment}`],
        ['GET', `${L}/products/${ids.product}`],
        ['PUT', `/pipelines/${ids.pipeline}/stages/${ids.stage}`, { name: 'x' }],
        ['GET', `/organizations/${ids.organization}`],
        ['PUT', `/organizations/${ids.organization}`, { name: 'x' }],
        ['DELETE', `/organizations/${ids.organization}`],
        ['PUT', `/organizations/${ids.organization}/fields/${ids.organizationField}`, { value: 'x' }],
        ['PUT', `/contacts/${ids.contact}/fields/${ids.contactField}`, { value: 'x' }],
        ['GET', `/contact-fields/${ids.contactField}`],
        ['PUT', `/contact-fields/${ids.contactField}`, { name: 'x' }],
        ['DELETE', `/contact-fields/${ids.contactField}`],
        ['DELETE', `/organization-fields/${ids.organizationField}`],
      ];
      for (const [plural, id] of [['contacts', ids.contact], ['products', ids.product], ['zones', ids.zone], ['sources', ids.source]] as const) {
        const body = plural === 'products' ? { quantity: 2 } : undefined;
        routes.push(
          ['GET', `/${plural}/${id}`],
          ['PUT', `/${plural}/${id}`, { name: 'x' }],
          ['DELETE', `/${plural}/${id}`],
          ['GET', `${L}/${plural}`],
          ['PUT', `${L}/${plural}/${id}`, body],
          ['DELETE', `${L}/${plural}/${id}`],
          // The other account's own lead with this account's catalogue item.
          ['PUT', `${mine}/${plural}/${id}`, body],
          ['DELETE', `${mine}/${plural}/${id}`],
        );
      }

      for (const [method, url, body] of routes) {
        const response = await other.api(method, url, body);
        assert.equal(response.status, 404, `${method} ${url}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.error.code, 'not_found', `${method} ${url}`);
      }
      // The other account's own contact cannot take this account's field or organization.
      const theirs = await ok(other, 'POST', '/contacts', { name: 'Theirs' });
      assert.equal((await other.api('PUT', `/contacts/${theirs._id}/fields/${ids.contactField}`, { value: 'x' })).status, 404);
      assert.equal((await other.api('PUT', `/contacts/${theirs._id}`, { organization_id: ids.organization })).status, 400);
      assert.deepEqual(await snapshot(owner, ids), before);
      assert.deepEqual(
        (await activitiesOf(other, ownLead._id)).map((a) => a.type),
        ['lead:created'],
        'the other account recorded nothing either',
      );
    });

    it('lists only the calling account’s things', async () => {
      const owner = await h().account();
      const other = await h().account();
      await seed(owner);
      for (const path of ['/leads', '/contacts', '/products', '/zones', '/sources', '/activities', '/organizations', '/contact-fields', '/organization-fields', '/contacts?email=grace%40example.com']) {
        assert.deepEqual(await ok(other, 'GET', path), [], path);
      }
    });
  });
}
