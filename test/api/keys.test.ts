// API keys (docs/SECURITY.md, "Keys and users"): list, create with a name, revoke at once, last use noted at
// most once a minute; admins manage the account's keys, members their own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness } from '../helpers/harness.ts';
import { NOW, ok } from './fixtures.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

for (const dialect of DIALECTS) {
  describe(`API keys [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('creates a named key shown once, lists it with its prefix and user, and revokes it at once', async () => {
      const acct = await h().account();
      const created = await ok(acct, 'POST', '/keys', { name: 'Zapier' });
      assert.deepEqual(Object.keys(created).sort(), ['_id', 'created_at', 'key', 'last_used_at', 'name', 'prefix', 'revoked_at', 'user'].sort());
      assert.match(created.key, /^lh_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.prefix, created.key.slice(0, 8));
      assert.equal(created.prefix.length, 8);
      assert.deepEqual(created.user, { _id: acct.userId, name: acct.ownerName });
      assert.equal(created.name, 'Zapier');
      assert.equal(created.created_at, NOW);
      assert.equal(created.last_used_at, null);
      assert.equal(created.revoked_at, null);

      const listed = await ok(acct, 'GET', '/keys');
      const { key: _secret, ...shown } = created;
      assert.deepEqual(listed.find((k: { _id: string }) => k._id === created._id), shown);
      assert.ok(listed.every((k: Record<string, unknown>) => !('key' in k) && !('key_hash' in k)), 'no secret in the listing');

      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(created.key))).status, 200);
      assert.deepEqual(await ok(acct, 'DELETE', `/keys/${created._id}`), {});
      const refused = await call(h().app, 'GET', '/me', undefined, bearer(created.key));
      assert.equal(refused.status, 401);
      const after = (await ok(acct, 'GET', '/keys')).find((k: { _id: string }) => k._id === created._id);
      assert.equal(after.revoked_at, NOW);
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(acct.apiKey))).status, 200, 'other keys keep working');
    });

    it('notes the last use of a key at most once a minute', async () => {
      const acct = await h().account();
      const created = await ok(acct, 'POST', '/keys', { name: 'script' });
      const lastUsed = async () => (await ok(acct, 'GET', '/keys')).find((k: { _id: string }) => k._id === created._id).last_used_at;
      await call(h().app, 'GET', '/me', undefined, bearer(created.key));
      assert.equal(await lastUsed(), NOW);
      h().clock.advance(30_000);
      await call(h().app, 'GET', '/me', undefined, bearer(created.key));
      assert.equal(await lastUsed(), NOW, 'not rewritten within the minute');
      h().clock.advance(31_000);
      await call(h().app, 'GET', '/me', undefined, bearer(created.key));
      assert.equal(await lastUsed(), new Date(Date.parse(NOW) + 61_000).toISOString().replace('.000', ''));
      h().clock.advance(-61_000);
    });

    it('lets members see, create and revoke only their own keys; admins see all and create for members', async () => {
      const acct = await h().account();
      const member = await ok(acct, 'POST', '/users', { name: 'Mel', email: `mel-keys-${dialect}@example.test`, role: 'member' });
      const asMember = bearer(member.api_key);
      const adminKey = await ok(acct, 'POST', '/keys', { name: 'admin script' });

      const memberList = await call(h().app, 'GET', '/api/v1/keys', undefined, asMember);
      assert.equal(memberList.status, 200);
      assert.deepEqual([...new Set(memberList.body.map((k: { user: { _id: string } }) => k.user._id))], [member._id]);
      const forAdmin = await call(h().app, 'POST', '/api/v1/keys', { name: 'x', user_id: acct.userId }, asMember);
      assert.equal(forAdmin.status, 403);
      const revokeAdmins = await call(h().app, 'DELETE', `/api/v1/keys/${adminKey._id}`, undefined, asMember);
      assert.equal(revokeAdmins.status, 404);
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(adminKey.key))).status, 200);
      const own = await call(h().app, 'POST', '/api/v1/keys', { name: 'mine' }, asMember);
      assert.equal(own.status, 201);
      assert.equal(own.body.user._id, member._id);

      const forMember = await ok(acct, 'POST', '/keys', { name: 'for Mel', user_id: member._id });
      assert.deepEqual(forMember.user, { _id: member._id, name: 'Mel' });
      const all = await ok(acct, 'GET', '/keys');
      assert.deepEqual(new Set(all.map((k: { user: { _id: string } }) => k.user._id)), new Set([acct.userId, member._id]));
    });

    it("never lists, creates for or revokes another account's keys", async () => {
      const mine = await h().account();
      const theirs = await h().account();
      const theirKey = await ok(theirs, 'POST', '/keys', { name: 'theirs' });
      assert.ok((await ok(mine, 'GET', '/keys')).every((k: { _id: string }) => k._id !== theirKey._id));
      assert.equal((await mine.api('DELETE', `/keys/${theirKey._id}`)).status, 404);
      assert.equal((await mine.api('POST', '/keys', { name: 'x', user_id: theirs.userId })).status, 404);
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(theirKey.key))).status, 200);
    });

    it('answers bad key requests with 400 and changes nothing', async () => {
      const acct = await h().account();
      const before = (await ok(acct, 'GET', '/keys')).length;
      for (const body of [{}, { name: '' }, { name: 'x', user_id: 'nope' }, { name: 12 }]) {
        assert.equal((await acct.api('POST', '/keys', body)).status, 400, JSON.stringify(body));
      }
      assert.equal((await acct.api('DELETE', '/keys/not-an-id')).status, 400);
      assert.equal((await ok(acct, 'GET', '/keys')).length, before);
    });
  });
}
