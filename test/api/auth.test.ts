// docs/SPEC.md §5: API keys by HTTP Basic (`api-key:<key>`) or Bearer, roles, and the per-key rate limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { ok } from './fixtures.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

for (const dialect of DIALECTS) {
  describe(`authentication and roles [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('accepts the key as HTTP Basic api-key:<key> and as Bearer', async () => {
      const acct = await h().account();
      for (const authorization of [basic('api-key', acct.apiKey), `Bearer ${acct.apiKey}`, `bearer ${acct.apiKey}`]) {
        const response = await call(h().app, 'GET', '/me', undefined, { authorization });
        assert.equal(response.status, 200, authorization.split(' ')[0]);
        assert.equal(response.body._id, acct.userId);
      }
    });

    it('answers 401 without a key, with a wrong key or a malformed header', async () => {
      const acct = await h().account();
      const headers: Array<Record<string, string>> = [
        {},
        { authorization: `Bearer ${acct.apiKey}x` },
        { authorization: 'Bearer ' },
        { authorization: basic('api-key', 'wrong') },
        { authorization: basic('someone', acct.apiKey) },
        { authorization: 'Basic %%%not-base64%%%' },
        { authorization: `Token ${acct.apiKey}` },
        { authorization: acct.apiKey },
      ];
      for (const header of headers) {
        for (const [method, url, body] of [['GET', '/leads'], ['POST', '/contacts', { name: 'x' }]] as const) {
          const response = await call(h().app, method, url, body, header);
          assert.equal(response.status, 401, `${JSON.stringify(header)} ${method} ${url}`);
          assert.equal(response.body.error.code, 'unauthorized');
        }
      }
      assert.deepEqual(await ok(acct, 'GET', '/contacts'), [], 'nothing was created');
    });

    it('answers 403 to a member adding a user, and lets the member use the CRM', async () => {
      const acct = await h().account();
      const member = await ok(acct, 'POST', '/users', { name: 'Mel', email: `mel-${dialect}@example.test`, role: 'member' });
      const asMember = { authorization: `Bearer ${member.api_key}` };
      const refused = await call(h().app, 'POST', '/users', { name: 'Eve', email: `eve-${dialect}@example.test` }, asMember);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'forbidden');
      const users = await ok(acct, 'GET', '/users');
      assert.deepEqual(users.map((u: any) => u.name).sort(), [acct.ownerName, 'Mel'].sort());
      const contact = await call(h().app, 'POST', '/contacts', { name: 'Grace' }, asMember);
      assert.equal(contact.status, 201);
    });
  });

  describe(`API rate limit [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_API_RATE_LIMIT: '3' });

    it('answers the 4th call of a key with 429, Retry-After and X-RateLimit-*; another key is unaffected', async () => {
      const first = await h().account();
      const second = await h().account();
      for (let i = 1; i <= 3; i++) {
        const response = await first.api('GET', '/contacts');
        assert.equal(response.status, 200);
        assert.equal(response.headers['x-ratelimit-limit'], '3');
        assert.equal(response.headers['x-ratelimit-remaining'], String(3 - i));
      }
      const limited = await first.api('GET', '/contacts');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'rate_limited');
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      assert.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 3600);
      assert.equal(limited.headers['x-ratelimit-limit'], '3');
      assert.equal(limited.headers['x-ratelimit-remaining'], '0');
      assert.match(String(limited.headers['x-ratelimit-reset']), /^\d+$/);
      const writeRefused = await first.api('POST', '/contacts', { name: 'x' });
      assert.equal(writeRefused.status, 429);

      const other = await second.api('GET', '/contacts');
      assert.equal(other.status, 200);
      assert.equal(other.headers['x-ratelimit-remaining'], '2');
      assert.deepEqual(other.body, []);
    });
  });
}
