// docs/SPEC.md §5 "bad input": a 4xx in the error format, never a 5xx, and nothing changed. Also paging
// and the 1 MiB body limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { activitiesOf, newLead, ok } from './fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`bad input [${dialect}]`, () => {
    const h = useHarness(dialect);

    async function seed(acct: TestAccount) {
      const lead = await newLead(acct);
      const todo = await ok(acct, 'POST', `/leads/${lead._id}/todos`, { name: 'Call', type: 'Call', date: '2026-01-09', time: '9:00 AM' });
      const note = await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content: 'n' });
      const field = await ok(acct, 'POST', `/leads/${lead._id}/fields`, { name: 'f', value: 'v' });
      const product = await ok(acct, 'POST', '/products', { name: 'p', price: 5 });
      const contact = await ok(acct, 'POST', '/contacts', { name: 'c' });
      return { lead: lead._id, todo: todo._id, note: note._id, field: field._id, product: product._id, contact: contact._id };
    }
    const state = async (acct: TestAccount, ids: Awaited<ReturnType<typeof seed>>) =>
      Promise.all([
        ok(acct, 'GET', `/leads/${ids.lead}`),
        ...['todos', 'notes', 'fields', 'emails', 'attachments', 'products', 'contacts'].map((p) => ok(acct, 'GET', `/leads/${ids.lead}/${p}`)),
        ...['products', 'contacts', 'zones', 'sources'].map((p) => ok(acct, 'GET', `/${p}`)),
        activitiesOf(acct, ids.lead),
      ]);

    it('answers 400 validation_failed to bad bodies and ids, and changes nothing', async () => {
      const acct = await h().account();
      const ids = await seed(acct);
      const before = await state(acct, ids);
      const L = `/leads/${ids.lead}`;
      const T = `${L}/todos/${ids.todo}`;
      const cases: Array<[string, string, unknown]> = [
        ['POST', `${L}/todos`, { name: 'x', type: 'Lunch' }],
        ['POST', `${L}/todos`, { name: '', type: 'Call' }],
        ['POST', `${L}/todos`, { name: '   ', type: 'Call' }],
        ['POST', `${L}/todos`, { name: 42, type: 'Call' }],
        ['POST', `${L}/todos`, { type: 'Call' }],
        ['POST', `${L}/todos`, { name: 'x', type: 'Call', done: 'yes' }],
        ['PUT', T, { date: '2026-02-30' }],
        ['PUT', T, { date: '2026-1-5' }],
        ['PUT', T, { date: '05/01/2026' }],
        ['PUT', T, { date: '2026-01-05T10:00:00Z' }],
        ['PUT', T, { time: '09:30 AM' }],
        ['PUT', T, { time: '13:00 PM' }],
        ['PUT', T, { time: '9:30' }],
        ['PUT', T, { time: '9:30 am' }],
        ['PUT', T, { time: '9:60 AM' }],
        ['PUT', T, {}],
        ['PUT', T, { type: null }],
        ['POST', `${L}/notes`, { content: '' }],
        ['POST', `${L}/notes`, { content: ['a'] }],
        ['PUT', `${L}/notes/${ids.note}`, {}],
        ['POST', `${L}/fields`, { name: 'x' }],
        ['POST', `${L}/fields`, { name: 'x', value: 3 }],
        ['PUT', `${L}/fields/${ids.field}`, { name: '' }],
        ['POST', `${L}/emails`, { from: 'a@b' }],
        ['POST', `${L}/emails`, { subject: 's', body: 5 }],
        ['POST', `${L}/attachments`, { filename: 'x' }],
        ['POST', `${L}/attachments`, { filename: '', url: 'https://example.com' }],
        ['POST', '/contacts', { name: '' }],
        ['POST', '/contacts', { name: 'x', email: 7 }],
        ['POST', '/products', { name: 'x', price: -1 }],
        ['POST', '/products', { name: 'x', price: 'five' }],
        ['PUT', `/products/${ids.product}`, {}],
        ['POST', '/zones', {}],
        ['PUT', `${L}/products/${ids.product}`, { quantity: 0 }],
        ['PUT', `${L}/products/${ids.product}`, { quantity: '2 boxes' }],
        ['PUT', `${L}/products/${ids.product}`, { discount: 150 }],
        ['PUT', `${L}/products/${ids.product}`, { quantity: 1, price: -5 }],
        ['PUT', L, { status: 'maybe' }],
        // Bad ids in the path.
        ['GET', '/leads/not-an-id/todos', undefined],
        ['GET', `${L}/todos/${ids.todo.toUpperCase()}`, undefined],
        ['PUT', `${L}/notes/123`, { content: 'x' }],
        ['DELETE', `${L}/fields/${ids.field}0`, undefined],
        ['PUT', `${L}/contacts/zzzzzzzzzzzzzzzzzzzzzzzz`, undefined],
        ['GET', '/products/%00', undefined],
      ];
      for (const [method, url, body] of cases) {
        const response = await acct.api(method, url, body);
        assert.equal(response.status, 400, `${method} ${url} ${JSON.stringify(body)}`);
        assert.equal(response.body.error.code, 'validation_failed', `${method} ${url}`);
        assert.deepEqual(Object.keys(response.body.error), ['code', 'message', 'details']);
        assert.equal(typeof response.body.error.message, 'string');
        assert.equal(response.body.message, response.body.error.message, 'the sentence is repeated at the top level');
      }
      assert.deepEqual(await state(acct, ids), before);
    });

    it('answers 400 to invalid JSON or text with NUL, and 413 to a body over 1 MiB', async () => {
      const acct = await h().account();
      const ids = await seed(acct);
      const before = await state(acct, ids);
      for (const text of ['{"content": "x"', '{content: "x"}', 'nul', '[1,2']) {
        const response = await acct.api('POST', `/leads/${ids.lead}/notes`, text);
        assert.equal(response.status, 400, text);
        assert.equal(response.body.error.code, 'bad_request');
      }
      const nul = await acct.api('POST', '/contacts', { name: 'Gr\u0000ace' });
      assert.equal(nul.status, 400, 'PostgreSQL cannot store NUL; both dialects refuse it');
      const huge = JSON.stringify({ content: 'x'.repeat(1024 * 1024) });
      const tooLarge = await acct.api('POST', `/leads/${ids.lead}/notes`, huge);
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.body.error.code, 'payload_too_large');
      assert.deepEqual(await state(acct, ids), before);
    });

    it('pages lists with page and size, and serves a size over 500 as 500', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      for (let i = 1; i <= 5; i++) await ok(acct, 'POST', `/leads/${lead._id}/notes`, { content: `note ${i}` });
      const contents = async (query: string) =>
        (await ok(acct, 'GET', `/leads/${lead._id}/notes${query}`)).map((n: { content: string }) => n.content);
      assert.deepEqual(await contents(''), ['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
      assert.deepEqual(await contents('?size=2'), ['note 1', 'note 2']);
      assert.deepEqual(await contents('?size=2&page=3'), ['note 5']);
      assert.deepEqual(await contents('?size=2&page=4'), []);
      assert.deepEqual(await contents('?size=500'), ['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
      assert.deepEqual(await contents('?size=501'), ['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
      assert.deepEqual(await contents('?size=999999'), ['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
      for (const query of ['?size=0', '?size=-5', '?page=0', '?page=-1', '?page=x', '?size=x', '?size=2.5', '?page=1e999', '?size=1e999']) {
        const response = await acct.api('GET', `/leads/${lead._id}/notes${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.body.error.code, 'validation_failed');
      }
      for (const name of ['b', 'a', 'c']) await ok(acct, 'POST', '/zones', { name });
      assert.deepEqual((await ok(acct, 'GET', '/zones?size=2&page=2')).map((z: { name: string }) => z.name), ['c']);
    });
  });
}
