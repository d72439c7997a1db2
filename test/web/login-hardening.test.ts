// Login under attack (docs/SECURITY.md, "Login"): bursts are throttled as they arrive, per email
// and per client address (behind a trusted proxy, per forwarded address); password hashing is
// argon2id with bounded concurrency; old scrypt hashes still work and are upgraded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { legacyScryptHash } from '../../src/accounts/passwords.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { PASSWORD, call, emailOf, login } from '../helpers/web-auth.ts';

const countBy = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

for (const dialect of DIALECTS) {
  describe(`login hardening [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('counts a burst of 60 wrong passwords sent at once: 10 are checked, 50 refused with 429', async () => {
      const acct = await h().account();
      const email = await emailOf(h(), acct.userId);
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(h(), email, `guess ${i}`)));
      assert.deepEqual(countBy(answers.map((a) => a.status)), { 401: 10, 429: 50 });
      const refused = answers.find((a) => a.status === 429)!;
      assert.equal(refused.body.error.code, 'rate_limited');
      assert.equal(refused.headers['retry-after'], '900');
      assert.equal((await login(h(), email)).status, 429, 'the right password waits for the window too');
      h().clock.advance(15 * 60_000);
      assert.equal((await login(h(), email)).status, 200);
    });

    it('limits one client address to 100 attempts per window across emails', async () => {
      const statuses: number[] = [];
      for (let batch = 0; batch < 101; batch += 25) {
        const size = Math.min(25, 101 - batch);
        const answers = await Promise.all(Array.from({ length: size }, (_, i) => login(h(), `nobody-${batch + i}@example.test`, 'x', { 'x-forwarded-for': '203.0.113.9' })));
        statuses.push(...answers.map((a) => a.status));
      }
      assert.deepEqual(countBy(statuses), { 401: 100, 429: 1 });
      h().clock.advance(15 * 60_000);
    });

    it('ignores X-Forwarded-For unless LEADHOOK_TRUST_PROXY is set', async () => {
      const acct = await h().account();
      const email = await emailOf(h(), acct.userId);
      for (let i = 0; i < 10; i++) await login(h(), email, 'wrong', { 'x-forwarded-for': `198.51.100.${i}` });
      assert.equal((await login(h(), email, PASSWORD, { 'x-forwarded-for': '198.51.100.200' })).status, 429);
      h().clock.advance(15 * 60_000);
    });

    it('hashes new passwords with argon2id at the OWASP parameters', async () => {
      const acct = await h().account();
      const row = await h().ctx.db.selectFrom('users').select('password_hash').where('id', '=', acct.userId).executeTakeFirstOrThrow();
      assert.match(row.password_hash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    });

    it('still accepts an old scrypt hash and upgrades it to argon2id on a successful login only', async () => {
      const acct = await h().account();
      const email = await emailOf(h(), acct.userId);
      const legacy = await legacyScryptHash(PASSWORD);
      await h().ctx.db.updateTable('users').set({ password_hash: legacy }).where('id', '=', acct.userId).execute();
      const stored = async () => (await h().ctx.db.selectFrom('users').select('password_hash').where('id', '=', acct.userId).executeTakeFirstOrThrow()).password_hash!;
      assert.equal((await login(h(), email, 'wrong password')).status, 401);
      assert.equal(await stored(), legacy, 'a failed login changes nothing');
      assert.equal((await login(h(), email)).status, 200);
      assert.match(await stored(), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal((await login(h(), email)).status, 200, 'the upgraded hash verifies');
    });

    it('keeps API keys working after a password change unless revoke_keys is sent', async () => {
      const acct = await h().account();
      const email = await emailOf(h(), acct.userId);
      const session = await login(h(), email);
      const keyOk = async () => (await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${acct.apiKey}` })).status;
      const first = await call(h().app, 'POST', '/auth/password', { current_password: PASSWORD, new_password: 'second long password' }, session.auth);
      assert.equal(first.status, 200);
      assert.equal(await keyOk(), 200);
      const second = await call(
        h().app,
        'POST',
        '/auth/password',
        { current_password: 'second long password', new_password: 'third long password', revoke_keys: true },
        session.auth,
      );
      assert.equal(second.status, 200);
      assert.equal(await keyOk(), 401);
      assert.equal((await call(h().app, 'GET', '/auth/session', undefined, { cookie: session.cookie })).status, 200, 'this session stays');
    });
  });

  describe(`login behind a trusted proxy [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_TRUST_PROXY: '1' });

    it('counts attempts per forwarded client address', async () => {
      const acct = await h().account();
      const email = await emailOf(h(), acct.userId);
      for (let i = 0; i < 10; i++) assert.equal((await login(h(), email, 'wrong', { 'x-forwarded-for': '198.51.100.1' })).status, 401);
      assert.equal((await login(h(), email, PASSWORD, { 'x-forwarded-for': '198.51.100.1' })).status, 429);
      assert.equal((await login(h(), email, PASSWORD, { 'x-forwarded-for': '198.51.100.2' })).status, 200);
    });
  });

  describe(`bounded password hashing [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_PASSWORD_HASH_CONCURRENCY: '1', LEADHOOK_PASSWORD_HASH_QUEUE: '1' });

    it('refuses logins beyond the hash queue at once with 429 instead of letting them pile up', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => login(h(), `flood-${i}@example.test`, 'x')));
      const counts = countBy(answers.map((a) => a.status));
      assert.ok((counts[429] ?? 0) >= 1, JSON.stringify(counts));
      assert.ok((counts[401] ?? 0) >= 2, JSON.stringify(counts));
      const refused = answers.find((a) => a.status === 429)!;
      assert.equal(refused.body.error.code, 'rate_limited');
      assert.equal(refused.headers['retry-after'], '1');
    });
  });
}
