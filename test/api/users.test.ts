// Users (docs/SECURITY.md, "Keys and users"): change role, disable, remove; an account keeps an enabled admin;
// a disabled or removed user's keys and sessions stop at once; emails are unique per account only;
// photo_url is http(s) only; API answers carry the security headers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { PASSWORD, call, emailOf, login } from '../helpers/web-auth.ts';
import { ok } from './fixtures.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

for (const dialect of DIALECTS) {
  describe(`users [${dialect}]`, () => {
    const h = useHarness(dialect);
    let n = 0;
    const email = (name: string) => `${name}-${(n += 1)}-${dialect}@example.test`;

    it('changes name, role and photo; a member may not', async () => {
      const acct = await h().account();
      const mel = await ok(acct, 'POST', '/users', { name: 'Mel', email: email('mel'), password: PASSWORD });
      assert.equal(mel.disabled, false);
      const changed = await ok(acct, 'PUT', `/users/${mel._id}`, { name: 'Melanie', role: 'admin', photo_url: 'https://img.example.test/m.png' });
      assert.deepEqual(
        { name: changed.name, role: changed.role, photo_url: changed.photo_url, disabled: changed.disabled },
        { name: 'Melanie', role: 'admin', photo_url: 'https://img.example.test/m.png', disabled: false },
      );
      assert.deepEqual(await ok(acct, 'GET', `/users/${mel._id}`), changed);
      await ok(acct, 'PUT', `/users/${mel._id}`, { role: 'member' });
      const refused = await call(h().app, 'PUT', `/api/v1/users/${acct.userId}`, { role: 'member' }, bearer(mel.api_key));
      assert.equal(refused.status, 403);
      assert.equal((await ok(acct, 'GET', `/users/${acct.userId}`)).role, 'admin');
    });

    it('refuses javascript: and other non-http photo URLs with 400', async () => {
      const acct = await h().account();
      for (const photo_url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:image/png;base64,AAAA', 'vbscript:x', 'ftp://x.test/a.png']) {
        const created = await acct.api('POST', '/users', { name: 'P', email: email('p'), photo_url });
        assert.equal(created.status, 400, photo_url);
        const changed = await acct.api('PUT', `/users/${acct.userId}`, { photo_url });
        assert.equal(changed.status, 400, photo_url);
      }
      assert.equal((await ok(acct, 'GET', `/users/${acct.userId}`)).photo_url, null);
      assert.equal((await acct.api('PUT', `/users/${acct.userId}`, { photo_url: 'http://img.example.test/a.png' })).status, 200);
    });

    it('keeps at least one enabled admin: demoting, disabling or removing the last one answers 409', async () => {
      const acct = await h().account();
      for (const change of [{ role: 'member' }, { disabled: true }]) {
        const response = await acct.api('PUT', `/users/${acct.userId}`, change);
        assert.equal(response.status, 409, JSON.stringify(change));
        assert.equal(response.body.error.code, 'conflict');
      }
      assert.equal((await acct.api('DELETE', `/users/${acct.userId}`)).status, 409);
      const other = await ok(acct, 'POST', '/users', { name: 'Second admin', email: email('adm'), role: 'admin' });
      await ok(acct, 'PUT', `/users/${other._id}`, { disabled: true });
      assert.equal((await acct.api('PUT', `/users/${acct.userId}`, { role: 'member' })).status, 409, 'a disabled admin does not count');
      await ok(acct, 'PUT', `/users/${other._id}`, { disabled: false });
      await ok(acct, 'PUT', `/users/${acct.userId}`, { role: 'member' });
      assert.equal((await ok(acct, 'GET', `/users/${acct.userId}`)).role, 'member');
    });

    it("stops a disabled user's keys and sessions at once, and lets them back when enabled", async () => {
      const acct = await h().account();
      const address = email('dis');
      const mel = await ok(acct, 'POST', '/users', { name: 'Mel', email: address, password: PASSWORD });
      const session = await login(h(), address);
      assert.equal(session.status, 200);
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(mel.api_key))).status, 200);

      assert.equal((await ok(acct, 'PUT', `/users/${mel._id}`, { disabled: true })).disabled, true);
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(mel.api_key))).status, 401);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { cookie: session.cookie })).status, 401);
      assert.equal((await call(h().app, 'GET', '/auth/session', undefined, { cookie: session.cookie })).status, 401);
      assert.equal((await login(h(), address)).status, 401, 'a disabled user cannot log in');

      await ok(acct, 'PUT', `/users/${mel._id}`, { disabled: false });
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(mel.api_key))).status, 200);
      assert.equal((await login(h(), address)).status, 200);
    });

    it("removes a user with their keys and sessions; another account's user cannot be touched", async () => {
      const acct = await h().account();
      const other = await h().account();
      const address = email('rm');
      const mel = await ok(acct, 'POST', '/users', { name: 'Mel', email: address, password: PASSWORD });
      const session = await login(h(), address);
      assert.equal((await other.api('DELETE', `/users/${mel._id}`)).status, 404);
      assert.equal((await other.api('PUT', `/users/${mel._id}`, { name: 'x' })).status, 404);
      assert.deepEqual(await ok(acct, 'DELETE', `/users/${mel._id}`), {});
      assert.equal((await call(h().app, 'GET', '/me', undefined, bearer(mel.api_key))).status, 401);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { cookie: session.cookie })).status, 401);
      assert.equal((await acct.api('GET', `/users/${mel._id}`)).status, 404);
      assert.ok((await ok(acct, 'GET', '/keys')).every((k: { user: { _id: string } }) => k.user._id !== mel._id));
    });

    it('keeps emails unique per account: another account may use the same email, and nothing reveals it', async () => {
      const first = await h().account();
      const second = await h().account();
      const taken = await emailOf(h(), first.userId);
      const elsewhere = await second.api('POST', '/users', { name: 'Same email', email: taken, password: 'another long password' });
      assert.equal(elsewhere.status, 201, 'not a 409: the other account is not revealed');
      const again = await second.api('POST', '/users', { name: 'Twice', email: taken.toUpperCase() });
      assert.equal(again.status, 409, 'unique within the account');
      // Login with the shared email picks the user whose password matches.
      const asFirst = await login(h(), taken, PASSWORD);
      assert.equal(asFirst.status, 200);
      assert.equal(asFirst.body.user._id, first.userId);
      const asSecond = await login(h(), taken, 'another long password');
      assert.equal(asSecond.status, 200);
      assert.equal(asSecond.body.user._id, elsewhere.body._id);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { cookie: asSecond.cookie })).body._id, elsewhere.body._id);
    });

    it('answers every API call with security headers, errors included', async () => {
      const acct = await h().account();
      for (const [url, headers, status] of [
        ['/api/v1/me', bearer(acct.apiKey), 200],
        ['/api/v1/me', {}, 401],
        ['/api/v1/nothing-here', bearer(acct.apiKey), 404],
        ['/api/v1/openapi.json', {}, 200],
      ] as const) {
        const response = await h().app.inject({ method: 'GET', url, headers });
        assert.equal(response.statusCode, status, url);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(response.headers['cache-control'], 'no-store', url);
        assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
        assert.equal(response.headers['x-frame-options'], 'DENY', url);
        assert.match(String(response.headers['content-security-policy']), /^default-src 'none'; frame-ancestors 'none'/, url);
      }
    });
  });
}
