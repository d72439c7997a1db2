// Webhook URLs are stored, shown and called in their WHATWG serialisation; a tab or line break that
// would change the host is refused (docs/WEBHOOKS.md, "Address guard (SSRF)").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAddressPolicy } from '../../src/delivery/address-guard.ts';
import { checkWebhookUrl } from '../../src/webhooks/url-check.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';

describe('webhook URL normalisation', () => {
  const policy = createAddressPolicy([]);
  it('answers the serialisation that will be called', () => {
    assert.equal(checkWebhookUrl('https://hooks.example.test/in\t\r\nbox?a=1\n', policy), 'https://hooks.example.test/inbox?a=1');
    assert.equal(checkWebhookUrl('  HTTPS://Hooks.Example.TEST:443/a/../b c  ', policy), 'https://hooks.example.test/b%20c');
  });

  it('refuses a tab or line break in the scheme, host or port', () => {
    for (const url of ['https://hooks.exa\nmple.test/in', 'https://hooks.example.test\t/in', 'ht\ttps://hooks.example.test/', 'https://hooks.example.test:4\r43/']) {
      assert.throws(() => checkWebhookUrl(url, policy), /tab or line break/, JSON.stringify(url));
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`webhook URLs stored normalised [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('stores and shows the normalised URL on create and update; refuses host-changing ones with 400', async () => {
      const acct = await h().account();
      const created = await acct.api('POST', '/webhooks', { url: 'https://hooks.example.test/in\n\tbox' });
      assert.equal(created.status, 201);
      assert.equal(created.body.url, 'https://hooks.example.test/inbox');
      const row = await h().ctx.db.selectFrom('webhooks').select('url').where('id', '=', created.body._id).executeTakeFirstOrThrow();
      assert.equal(row.url, 'https://hooks.example.test/inbox');
      const updated = await acct.api('PUT', `/webhooks/${created.body._id}`, { url: 'https://hooks.example.test/other\r\n' });
      assert.equal(updated.status, 200);
      assert.equal((await acct.api('GET', `/webhooks/${created.body._id}`)).body.url, 'https://hooks.example.test/other');
      const refused = await acct.api('PUT', `/webhooks/${created.body._id}`, { url: 'https://evil\n.example.test/' });
      assert.equal(refused.status, 400);
      assert.equal((await acct.api('GET', `/webhooks/${created.body._id}`)).body.url, 'https://hooks.example.test/other');
    });
  });
}
