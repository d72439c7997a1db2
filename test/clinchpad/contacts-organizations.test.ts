// Organizations, contact custom fields and contact search, as ClinchPad clients use them: a forms
// plugin looks a contact up by email and updates "the" result, so the filter must really filter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { clinchPadClient } from './client.ts';

for (const dialect of DIALECTS) {
  describe(`contacts and organizations [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('creates, reads, updates and deletes organizations with fields and contacts', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const org = await client.form('POST', '/organizations', { name: 'Acme Inc', email: 'hello@acme.test', website: 'https://acme.test', phone: '' });
      assert.equal(org.status, 201, JSON.stringify(org.body));
      const orgId = org.body._id;
      assert.deepEqual(org.body, {
        _id: orgId,
        name: 'Acme Inc',
        email: 'hello@acme.test',
        phone: null,
        website: 'https://acme.test',
        address: null,
        fields: [],
        contacts: [],
        created_at: '2026-01-05T09:00:00Z',
      });
      const industry = await client.json('POST', '/organization-fields', { name: 'Industry' });
      assert.equal(industry.status, 201);
      const set = await client.form('PUT', `/organizations/${orgId}/fields/${industry.body._id}`, { value: 'Anvils' });
      assert.deepEqual(set.body, { _id: industry.body._id, name: 'Industry', value: 'Anvils' });
      const contact = await client.json('POST', '/contacts', { name: 'Wile E.', designation: 'Buyer', organization_id: orgId });
      assert.equal(contact.status, 201);
      assert.deepEqual(contact.body.organization, { _id: orgId, name: 'Acme Inc', email: 'hello@acme.test', phone: null, website: 'https://acme.test', address: null });

      const read = await client.json('GET', `/organizations/${orgId}`);
      assert.deepEqual(read.body.fields, [{ _id: industry.body._id, name: 'Industry', value: 'Anvils' }]);
      assert.deepEqual(read.body.contacts, [
        { _id: contact.body._id, name: 'Wile E.', designation: 'Buyer', email: null, phone: null, address: null, fields: [] },
      ]);
      const renamed = await client.form('PUT', `/organizations/${orgId}`, { name: 'Acme Corp', address: '1 Desert Rd' });
      assert.deepEqual([renamed.body.name, renamed.body.address, renamed.body.email], ['Acme Corp', '1 Desert Rd', 'hello@acme.test']);
      assert.deepEqual((await client.json('GET', '/organizations')).body.map((o: { name: string }) => o.name), ['Acme Corp']);

      assert.deepEqual((await client.json('DELETE', `/organizations/${orgId}`)).body, {});
      assert.equal((await client.json('GET', `/organizations/${orgId}`)).status, 404);
      assert.equal((await client.json('GET', `/contacts/${contact.body._id}`)).body.organization, null, 'the contact stays, detached');
    });

    it('links contacts to organizations on create and update, refusing unknown or foreign ids with 400', async () => {
      const acct = await h().account();
      const other = await h().account();
      const client = clinchPadClient(h().app, acct);
      const foreign = await clinchPadClient(h().app, other).json('POST', '/organizations', { name: 'Elsewhere' });
      const mine = await client.json('POST', '/organizations', { name: 'Mine' });
      const contact = await client.json('POST', '/contacts', { name: 'Ada' });
      for (const organization_id of [foreign.body._id, '0123456789abcdef01234567']) {
        for (const [method, path] of [['POST', '/contacts'], ['PUT', `/contacts/${contact.body._id}`]] as const) {
          const refused = await client.json(method, path, { name: 'Ada', organization_id });
          assert.equal(refused.status, 400, `${method} ${organization_id}`);
          assert.equal(refused.body.error.details[0].field, 'organization_id');
        }
      }
      const linked = await client.form('PUT', `/contacts/${contact.body._id}`, { organization_id: mine.body._id });
      assert.equal(linked.body.organization._id, mine.body._id);
      // On a lead, the contact has the same shape.
      const pipe = await acct.pipeline();
      const lead = await client.json('POST', '/leads', { name: 'Deal', pipeline_id: pipe._id });
      const onLead = await client.json('PUT', `/leads/${lead.body._id}/contacts/${contact.body._id}`);
      assert.deepEqual([onLead.body.organization?.name, onLead.body.fields], ['Mine', []]);
      assert.deepEqual((await client.json('GET', `/leads/${lead.body._id}/contacts`)).body, [onLead.body]);
      const unlinked = await client.json('PUT', `/contacts/${contact.body._id}`, { organization_id: null });
      assert.equal(unlinked.body.organization, null);
      assert.equal((await client.json('GET', '/contacts')).body.length, 1, 'the refused creations created nothing');
      assert.equal((await clinchPadClient(h().app, other).json('GET', `/organizations/${mine.body._id}`)).status, 404);
    });

    it('shows every account-level contact field on every contact, set per contact with PUT /contacts/:id/fields/:field_id', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const birthday = await client.json('POST', '/contact-fields', { name: 'Birthday' });
      const source = await client.json('POST', '/contact-fields', { name: 'Source' });
      const [ada, bob] = [await client.json('POST', '/contacts', { name: 'Ada' }), await client.json('POST', '/contacts', { name: 'Bob' })];
      await client.form('PUT', `/contacts/${ada.body._id}/fields/${birthday.body._id}`, { value: '1815-12-10' });
      const adaRead = await client.json('GET', `/contacts/${ada.body._id}`);
      assert.deepEqual(adaRead.body.fields, [
        { _id: birthday.body._id, name: 'Birthday', value: '1815-12-10' },
        { _id: source.body._id, name: 'Source', value: null },
      ]);
      const bobRead = await client.json('GET', `/contacts/${bob.body._id}`);
      assert.deepEqual(bobRead.body.fields.map((f: { value: unknown }) => f.value), [null, null]);
      // An empty form value clears it; an organization field id is not a contact field.
      await client.form('PUT', `/contacts/${ada.body._id}/fields/${birthday.body._id}`, { value: '' });
      assert.equal((await client.json('GET', `/contacts/${ada.body._id}`)).body.fields[0].value, null);
      const orgField = await client.json('POST', '/organization-fields', { name: 'Industry' });
      assert.equal((await client.json('PUT', `/contacts/${ada.body._id}/fields/${orgField.body._id}`, { value: 'x' })).status, 404);
      assert.deepEqual((await client.json('GET', '/contact-fields')).body.map((f: { name: string }) => f.name), ['Birthday', 'Source']);
      await client.json('DELETE', `/contact-fields/${source.body._id}`);
      assert.deepEqual((await client.json('GET', `/contacts/${ada.body._id}`)).body.fields.map((f: { name: string }) => f.name), ['Birthday']);
    });

    it('finds contacts by exact email (any case), by name part and by phone, and returns [] when nothing matches', async () => {
      const acct = await h().account();
      const other = await h().account();
      const client = clinchPadClient(h().app, acct);
      await client.json('POST', '/contacts', { name: 'Grace Hopper', email: 'Grace@Navy.mil', phone: '+1 (555) 010-0100' });
      await client.json('POST', '/contacts', { name: 'Grace Kelly', email: 'kelly@monaco.mc' });
      await client.json('POST', '/contacts', { name: 'Alan 100%_Turing', email: 'grace@navy.mil.example' });
      await clinchPadClient(h().app, other).json('POST', '/contacts', { name: 'Grace Other', email: 'grace@navy.mil' });
      const names = async (query: string) => (await client.json('GET', `/contacts?${query}`)).body.map((c: { name: string }) => c.name);
      assert.deepEqual(await names('email=grace%40navy.mil'), ['Grace Hopper']);
      assert.deepEqual(await names('email=GRACE%40NAVY.MIL'), ['Grace Hopper']);
      assert.deepEqual(await names('email=nobody%40navy.mil'), []);
      assert.deepEqual(await names('name=grace'), ['Grace Hopper', 'Grace Kelly']);
      assert.deepEqual(await names('name=100%25_'), ['Alan 100%_Turing']);
      assert.deepEqual(await names('name=0%25'), ['Alan 100%_Turing'], '% is a character, not a wildcard');
      assert.deepEqual(await names('phone=%2B15550100100'), ['Grace Hopper']);
      assert.deepEqual(await names('phone=%2B1%20555%20010%200100'), ['Grace Hopper']);
      assert.deepEqual(await names('name=grace&email=kelly%40monaco.mc'), ['Grace Kelly']);
    });
  });
}
