// Notes credited to a user, lead products with discount, products listing their leads, stages paged
// renamed and moved through both paths, and lead users with photo_url — checked the way a client reads them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { activitiesOf, newLead } from '../api/fixtures.ts';
import { clinchPadClient } from './client.ts';

for (const dialect of DIALECTS) {
  describe(`leads, notes, products and stages [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('credits a note and its note:created activity to the user_id given, and refuses an unknown user', async () => {
      const acct = await h().account();
      const other = await h().account();
      const client = clinchPadClient(h().app, acct);
      const added = await client.json('POST', '/users', { name: 'Bea', email: `bea-${dialect}@example.test`, photo_url: 'https://img.example/bea.png' });
      assert.equal(added.status, 201);
      const lead = await newLead(acct);
      const note = await client.form('POST', `/leads/${lead._id}/notes`, { content: 'Called them', user_id: added.body._id });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      const expected = {
        _id: note.body._id,
        lead: { _id: lead._id, name: 'Acme' },
        content: 'Called them',
        author: 'Bea',
        author_photo_url: 'https://img.example/bea.png',
        user: { _id: added.body._id, name: 'Bea' },
        created_at: '2026-01-05T09:00:00Z',
        updated_at: '2026-01-05T09:00:00Z',
      };
      assert.deepEqual(note.body, expected);
      assert.deepEqual((await client.json('GET', `/leads/${lead._id}/notes/${note.body._id}`)).body, expected);
      const [, created] = await activitiesOf(acct, lead._id);
      assert.equal(created!.type, 'note:created');
      assert.deepEqual(created!.user, { _id: added.body._id, name: 'Bea', photo_url: 'https://img.example/bea.png' });
      assert.equal(created!.user_name, 'Bea');

      const mine = await client.json('POST', `/leads/${lead._id}/notes`, { content: 'Mine' });
      assert.deepEqual(mine.body.user, { _id: acct.userId, name: acct.ownerName });
      for (const user_id of [other.userId, '0123456789abcdef01234567']) {
        const refused = await client.json('POST', `/leads/${lead._id}/notes`, { content: 'x', user_id });
        assert.equal(refused.status, 400);
        assert.equal(refused.body.error.details[0].field, 'user_id');
      }
      assert.equal((await client.json('GET', `/leads/${lead._id}/notes`)).body.length, 2);
    });

    it('attaches products with quantity 1 by default and a percent discount that lowers the price', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const lead = await newLead(acct);
      const product = await client.json('POST', '/products', { name: 'Licence', price: 200 });
      const path = `/leads/${lead._id}/products/${product.body._id}`;
      const plain = await client.json('PUT', path);
      assert.equal(plain.status, 200, JSON.stringify(plain.body));
      assert.deepEqual(plain.body, { _id: product.body._id, name: 'Licence', quantity: 1, price: 200, discount: 0, lead_price: null, product_price: 200 });
      const discounted = await client.form('PUT', path, { quantity: '3', discount: '12.5' });
      assert.deepEqual(discounted.body, { _id: product.body._id, name: 'Licence', quantity: 3, price: 175, discount: 12.5, lead_price: null, product_price: 200 });
      assert.deepEqual((await client.json('GET', path)).body, discounted.body);
      const last = (await activitiesOf(acct, lead._id)).at(-1)!;
      assert.deepEqual([last.type, last.product_quantity, last.product_price], ['product:added', 3, 175]);

      const listed = await client.json('GET', `/products/${product.body._id}`);
      assert.deepEqual(listed.body.leads, [{ _id: lead._id, name: 'Acme' }]);
      assert.deepEqual((await client.json('GET', '/products')).body[0].leads, [{ _id: lead._id, name: 'Acme' }]);
      const unlinked = await client.json('POST', '/products', { name: 'Unused' });
      assert.equal((await client.json('GET', `/leads/${lead._id}/products/${unlinked.body._id}`)).status, 404);
      assert.equal((await client.json('PUT', path, { discount: 101 })).status, 400);
    });

    it('pages a pipeline’s stages and renames a stage through /stages/:id and /pipelines/:pid/stages/:sid', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const pipe = await acct.pipeline();
      const page = await client.json('GET', `/pipelines/${pipe._id}/stages?size=2&page=2`);
      assert.deepEqual(page.body.map((s: { name: string }) => s.name), ['Proposal', 'Offer']);
      const stage = pipe.stages[0]!;
      const viaPipeline = await client.form('PUT', `/pipelines/${pipe._id}/stages/${stage._id}`, { name: 'New' });
      assert.deepEqual(viaPipeline.body, { _id: stage._id, name: 'New' });
      const direct = await client.json('PUT', `/stages/${stage._id}`, { name: 'Fresh' });
      assert.deepEqual(direct.body, { _id: stage._id, name: 'Fresh' });
      const otherPipe = await client.json('POST', '/pipelines', { name: 'Other', stages: ['X'] });
      const wrong = await client.json('PUT', `/pipelines/${otherPipe.body._id}/stages/${stage._id}`, { name: 'Nope' });
      assert.equal(wrong.status, 404);
      assert.equal((await client.json('GET', `/pipelines/${pipe._id}/stages/${stage._id}`)).body.name, 'Fresh');
    });

    it('moves a stage with position through both paths, form or JSON, shifting the others and clamping past the end', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const pipe = await acct.pipeline();
      const names = async () => (await client.json('GET', `/pipelines/${pipe._id}`)).body.stages.map((s: { name: string }) => s.name);
      const before: string[] = await names();
      const last = pipe.stages[pipe.stages.length - 1]!;
      const moved = await client.form('PUT', `/stages/${last._id}`, { position: '0' });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual(moved.body, { _id: last._id, name: last.name });
      assert.deepEqual(await names(), [last.name, ...before.slice(0, -1)]);
      const both = await client.json('PUT', `/pipelines/${pipe._id}/stages/${last._id}`, { name: 'Closing', position: 99 });
      assert.deepEqual(both.body, { _id: last._id, name: 'Closing' });
      assert.deepEqual(await names(), [...before.slice(0, -1), 'Closing']);
      const second = pipe.stages[1]!;
      await client.json('PUT', `/stages/${second._id}`, { position: 2 });
      assert.deepEqual(await names(), [before[0], before[2], before[1], ...before.slice(3, -1), 'Closing']);
      assert.equal((await client.json('PUT', `/stages/${second._id}`, {})).status, 400);
      assert.equal((await client.json('PUT', `/stages/${second._id}`, { position: -1 })).status, 400);
    });

    it('shows a lead’s user as {_id, name, photo_url}', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const added = await client.json('POST', '/users', { name: 'Cy', email: `cy-${dialect}@example.test`, photo_url: 'https://img.example/cy.png' });
      const pipe = await acct.pipeline();
      const lead = await client.form('POST', '/leads', { name: 'Owned', pipeline_id: pipe._id, user_id: added.body._id });
      assert.deepEqual(lead.body.user, { _id: added.body._id, name: 'Cy', photo_url: 'https://img.example/cy.png' });
      const listed = await client.json('GET', `/leads?pipeline_id=${pipe._id}`);
      assert.deepEqual(listed.body[0].user, { _id: added.body._id, name: 'Cy', photo_url: 'https://img.example/cy.png' });
    });
  });
}
