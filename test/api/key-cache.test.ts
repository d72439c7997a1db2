// API-key lookups are cached for a moment (docs/SECURITY.md, "Keys and users"): a change made through
// this process applies on the next request; one made by another process (here: written straight to
// the database, as the CLI or a second API process would) within API_KEY_CACHE_TTL_MS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY_CACHE_TTL_MS } from '../../src/accounts/api-key-cache.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { ok } from './fixtures.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

for (const dialect of DIALECTS) {
  describe(`API-key cache [${dialect}]`, () => {
    const h = useHarness(dialect);
    const me = (key: string) => call(h().app, 'GET', '/me', undefined, bearer(key));

    it("sees a revocation written by another process once the cache's time has passed", async () => {
      const acct = await h().account();
      const created = await ok(acct, 'POST', '/keys', { name: 'script' });
      assert.equal((await me(created.key)).status, 200);
      await h().ctx.db.updateTable('api_keys').set({ revoked_at: h().clock.now().getTime() }).where('id', '=', created._id).execute();
      assert.equal((await me(created.key)).status, 200, 'the lookup is cached: no read per request');
      h().clock.advance(API_KEY_CACHE_TTL_MS);
      assert.equal((await me(created.key)).status, 401);
    });

    it("refuses a disabled user's key on the next request", async () => {
      const acct = await h().account();
      const member = await ok(acct, 'POST', '/users', { name: 'Mo', email: `mo-cache-${dialect}@example.test`, role: 'member' });
      assert.equal((await me(member.api_key)).status, 200);
      await ok(acct, 'PUT', `/users/${member._id}`, { disabled: true });
      assert.equal((await me(member.api_key)).status, 401);
    });

    it("refuses a removed user's key on the next request", async () => {
      const acct = await h().account();
      const member = await ok(acct, 'POST', '/users', { name: 'Ro', email: `ro-cache-${dialect}@example.test`, role: 'member' });
      assert.equal((await me(member.api_key)).status, 200);
      await ok(acct, 'DELETE', `/users/${member._id}`);
      assert.equal((await me(member.api_key)).status, 401);
    });

    it('applies a role change and a new name on the next request', async () => {
      const acct = await h().account();
      const member = await ok(acct, 'POST', '/users', { name: 'Pat', email: `pat-cache-${dialect}@example.test`, role: 'member' });
      const invite = { email: `x-${dialect}@example.test`, name: 'X', role: 'member' };
      assert.equal((await call(h().app, 'POST', '/api/v1/users', invite, bearer(member.api_key))).status, 403);
      await ok(acct, 'PUT', `/users/${member._id}`, { role: 'admin', name: 'Patricia' });
      assert.equal((await call(h().app, 'POST', '/api/v1/users', invite, bearer(member.api_key))).status, 201);
      const pipe = await acct.pipeline();
      const lead = await call(h().app, 'POST', '/api/v1/leads', { name: 'Acme', pipeline_id: pipe._id }, bearer(member.api_key));
      const [created] = (await acct.api('GET', `/leads/${lead.body._id}/activities`)).body;
      assert.equal(created.user.name, 'Patricia');
    });
  });
}
