// Liberal acceptance, as ClinchPad clients in the wild need it (docs/CLINCHPAD-COMPAT.md): form
// bodies, numbers as strings, oversized pages, doubled slashes — and the hostile cases that must
// stay cheap 4xx answers in the API's error shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { clinchPadClient } from './client.ts';

for (const dialect of DIALECTS) {
  describe(`ClinchPad clients: what the API accepts [${dialect}]`, () => {
    const h = useHarness(dialect);
    const setup = async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const pipe = await acct.pipeline();
      return { acct, client, pipe };
    };

    it('takes form-urlencoded bodies with the same validation, coercing numbers, booleans, empty values and lists', async () => {
      const { client, pipe } = await setup();
      const lead = await client.form('POST', '/leads', { name: 'Form lead', pipeline_id: pipe._id, size: '5000' });
      assert.equal(lead.status, 201, JSON.stringify(lead.body));
      assert.equal(lead.body.size, 5000);
      const cleared = await client.form('PUT', `/leads/${lead.body._id}`, { size: '' });
      assert.equal(cleared.status, 200);
      assert.equal(cleared.body.size, null, 'an empty form value for a nullable number is null');

      const todo = await client.form('POST', `/leads/${lead.body._id}/todos`, { name: 'Call', type: 'Call', done: 'true', date: '' });
      assert.equal(todo.status, 201, JSON.stringify(todo.body));
      assert.deepEqual([todo.body.done, todo.body.date], [true, null]);
      const undone = await client.form('PUT', `/leads/${lead.body._id}/todos/${todo.body._id}`, { done: 'false' });
      assert.equal(undone.body.done, false);

      const contact = await client.form('POST', '/contacts', { name: 'Grace', email: '', phone: '+1 555 0100' });
      assert.equal(contact.status, 201);
      assert.deepEqual([contact.body.email, contact.body.phone], [null, '+1 555 0100']);
      const pipeline = await client.form('POST', '/pipelines', { name: 'Sales', 'stages[]': ['New', 'Won'] });
      assert.equal(pipeline.status, 201);
      assert.deepEqual(pipeline.body.stages.map((s: { name: string }) => s.name), ['New', 'Won']);

      for (const [pairs, field] of [
        [{ name: 'x', type: 'Lunch' }, 'body/type'],
        [{ name: 'x', type: 'Call', done: 'yes' }, 'body/done'],
        [{ type: 'Call' }, 'body'],
      ] as const) {
        const refused = await client.form('POST', `/leads/${lead.body._id}/todos`, pairs);
        assert.equal(refused.status, 400, JSON.stringify(pairs));
        assert.equal(refused.body.error.code, 'validation_failed');
        assert.equal(refused.body.error.details[0].field, field);
      }
      const notANumber = await client.form('PUT', `/leads/${lead.body._id}`, { size: 'lots' });
      assert.equal(notANumber.status, 400);
      assert.equal(notANumber.body.error.details[0].field, 'body/size');
    });

    it('reads JSON sent as form or text/plain, and refuses XML and other types with 415', async () => {
      const { client, pipe } = await setup();
      const asForm = await client.raw('POST', '/leads', 'application/x-www-form-urlencoded', JSON.stringify({ name: 'Mislabelled', pipeline_id: pipe._id }));
      assert.equal(asForm.status, 201, JSON.stringify(asForm.body));
      assert.equal(asForm.body.name, 'Mislabelled');
      const asText = await client.raw('POST', '/contacts', 'text/plain;charset=UTF-8', JSON.stringify({ name: 'Text' }));
      assert.equal(asText.status, 201);
      for (const [type, payload] of [
        ['application/xml', '<lead><name>x</name></lead>'],
        ['text/xml', '<lead/>'],
        ['text/plain', 'name=x'],
        ['application/octet-stream', 'abc'],
      ]) {
        const refused = await client.raw('POST', '/contacts', type!, payload!);
        assert.equal(refused.status, 415, type);
        assert.equal(refused.body.error.code, 'unsupported_media_type');
      }
      assert.equal((await client.json('GET', '/contacts')).body.length, 1, 'only the text/plain JSON contact was created');
    });

    it('accepts numbers sent as strings in JSON, and names the field when a value is not a number', async () => {
      const { client, pipe } = await setup();
      const lead = await client.json('POST', '/leads', { name: 'Strings', pipeline_id: pipe._id, size: '1500' });
      assert.equal(lead.status, 201);
      assert.equal(lead.body.size, 1500);
      const product = await client.json('POST', '/products', { name: 'Seat', price: '19.5' });
      assert.equal(product.body.price, 19.5);
      const linked = await client.json('PUT', `/leads/${lead.body._id}/products/${product.body._id}`, { quantity: '2', discount: '10' });
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      assert.deepEqual([linked.body.quantity, linked.body.discount], [2, 10]);
      for (const size of ['12abc', 'NaN', '', '1e999']) {
        const refused = await client.json('PUT', `/leads/${lead.body._id}`, { size });
        assert.equal(refused.status, 400, size);
        assert.equal(refused.body.error.details[0].field, 'body/size');
        assert.match(refused.body.message, /size/);
      }
      assert.equal((await client.json('GET', `/leads/${lead.body._id}`)).body.size, 1500);
    });

    it('serves an oversized page as the largest page and refuses pages that are not positive numbers', async () => {
      const { client, pipe } = await setup();
      for (const name of ['A', 'B', 'C']) await client.json('POST', '/zones', { name });
      assert.deepEqual((await client.json('GET', '/zones?size=999')).body.map((z: { name: string }) => z.name), ['A', 'B', 'C']);
      assert.equal((await client.json('GET', `/leads?pipeline_id=${pipe._id}&size=100000`)).status, 200);
      for (const query of ['page=1e999', 'page=-1', 'page=0', 'page=abc', 'size=0', 'size=-3', 'size=abc', 'page=2000000']) {
        const refused = await client.json('GET', `/leads?${query}`);
        assert.equal(refused.status, 400, query);
        assert.equal(refused.body.error.code, 'validation_failed', query);
      }
    });

    it('routes repeated slashes as single ones', async () => {
      const { acct, client, pipe } = await setup();
      const lead = await client.json('POST', '//leads', { name: 'Slashes', pipeline_id: pipe._id });
      assert.equal(lead.status, 201);
      const activities = await call(h().app, 'GET', '/api/v1//activities', undefined, { authorization: `Bearer ${acct.apiKey}` });
      assert.equal(activities.status, 200);
      assert.equal(activities.body[0].type, 'lead:created');
      assert.equal((await client.json('GET', `//leads///${lead.body._id}`)).body.name, 'Slashes');
    });
  });
}
