// Getting in from the browser (docs/SECURITY.md, "Onboarding"): first-run setup, open sign-up,
// invitations and password resets, with their emails in the outbox.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness } from '../helpers/harness.ts';
import { PASSWORD, call, emailOf, login, tokenMailedTo, withSession } from '../helpers/web-auth.ts';

const WORKSPACE = { workspace: 'Acme', name: 'Ada', email: 'ada@example.test', password: 'a long first password' };
const HOUR = 3600_000;

/** The reset email is sent in the background; wait for it a bounded number of turns. */
async function resetTokenFor(h: Harness, to: string, previous?: string): Promise<string | undefined> {
  for (let i = 0; i < 200; i++) {
    const token = await tokenMailedTo(h, to, 'reset-password');
    if (token !== undefined && token !== previous) return token;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return undefined;
}

for (const dialect of DIALECTS) {
  describe(`first run [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('offers setup while there is no account, creates the account and its admin once, and logs in', async () => {
      assert.deepEqual((await call(h().app, 'GET', '/auth/setup')).body, { needed: true });
      const bad = await call(h().app, 'POST', '/auth/setup', { ...WORKSPACE, password: 'short' });
      assert.equal(bad.status, 400);
      assert.deepEqual((await call(h().app, 'GET', '/auth/setup')).body, { needed: true }, 'a refused setup changes nothing');

      const [first, second] = await Promise.all([
        call(h().app, 'POST', '/auth/setup', WORKSPACE),
        call(h().app, 'POST', '/auth/setup', { ...WORKSPACE, workspace: 'Rival', email: 'rival@example.test' }),
      ]);
      assert.deepEqual([first.status, second.status].sort(), [201, 409], 'exactly one setup wins');
      const won = withSession(first.status === 201 ? first : second);
      assert.match(won.setCookie, /^lh_session=[A-Za-z0-9_-]{43}; /);
      assert.equal(won.body.user.role, 'admin');
      assert.equal(typeof won.body.csrf_token, 'string');
      const me = await call(h().app, 'GET', '/me', undefined, { cookie: won.cookie });
      assert.equal(me.status, 200);
      assert.equal(me.body.email, won.body.user.email);
      assert.deepEqual((await call(h().app, 'GET', '/auth/setup')).body, { needed: false });
      assert.equal((await call(h().app, 'POST', '/auth/setup', { ...WORKSPACE, email: 'late@example.test' })).status, 409);
      const accounts = await h().ctx.db.selectFrom('accounts').select('name').execute();
      assert.equal(accounts.length, 1);
    });

    it('keeps open sign-up off by default', async () => {
      const response = await call(h().app, 'POST', '/auth/signup', { ...WORKSPACE, email: 'new@example.test' });
      assert.equal(response.status, 404);
      assert.equal((await h().ctx.db.selectFrom('users').select('id').where('email', '=', 'new@example.test').execute()).length, 0);
    });

    it('refuses a cross-origin setup', async () => {
      const response = await call(h().app, 'POST', '/auth/setup', WORKSPACE, { origin: 'https://evil.example' });
      assert.equal(response.status, 403);
    });
  });

  describe(`open sign-up [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_OPEN_SIGNUP: '1' });

    it('creates a new account per sign-up when LEADHOOK_OPEN_SIGNUP=1', async () => {
      await h().account();
      const response = withSession(await call(h().app, 'POST', '/auth/signup', { ...WORKSPACE, workspace: 'Second' }));
      assert.equal(response.status, 201);
      const me = await call(h().app, 'GET', '/me', undefined, { cookie: response.cookie });
      assert.equal(me.body.role, 'admin');
      assert.equal((await h().ctx.db.selectFrom('accounts').select('id').execute()).length, 2);
    });
  });

  describe(`invitations and password resets [${dialect}]`, () => {
    const h = useHarness(dialect, { LEADHOOK_PUBLIC_URL: 'https://crm.example.test' });

    it('invites by email; the link shows the account, creates the user with their password once, and logs in', async () => {
      const acct = await h().account('Invite Co');
      const invited = await acct.api('POST', '/users/invite', { email: `Bea-${dialect}@Example.test`, role: 'member' });
      assert.equal(invited.status, 201);
      const address = `bea-${dialect}@example.test`;
      assert.deepEqual(Object.keys(invited.body).sort(), ['_id', 'email', 'expires_at', 'role']);
      assert.equal(invited.body.email, address);
      assert.equal(invited.body.expires_at, '2026-01-12T09:00:00Z');
      const outbox = await acct.api('GET', '/email-outbox');
      const mail = outbox.body.find((m: { to: string; to_address: string }) => (m.to ?? m.to_address) === address);
      assert.ok(mail, 'the invitation is in the email outbox');
      const token = await tokenMailedTo(h(), address, 'accept-invite');
      assert.ok(token);
      const row = await h().ctx.db.selectFrom('invitations').select('token_hash').where('email', '=', address).executeTakeFirstOrThrow();
      assert.notEqual(row.token_hash, token, 'only a hash is stored');

      assert.deepEqual((await call(h().app, 'GET', `/auth/invitations/${token}`)).body, { email: address, account_name: 'Invite Co' });
      assert.equal((await call(h().app, 'GET', `/auth/invitations/${'A'.repeat(43)}`)).status, 404);
      const tooShort = await call(h().app, 'POST', `/auth/invitations/${token}/accept`, { name: 'Bea', password: 'short' });
      assert.equal(tooShort.status, 400);
      const accepted = withSession(await call(h().app, 'POST', `/auth/invitations/${token}/accept`, { name: 'Bea', password: 'bea long password' }));
      assert.equal(accepted.status, 201);
      assert.equal(accepted.body.user.role, 'member');
      const me = await call(h().app, 'GET', '/me', undefined, { cookie: accepted.cookie });
      assert.equal(me.body.email, address);
      assert.equal((await login(h(), address, 'bea long password')).status, 200);

      const again = await call(h().app, 'POST', `/auth/invitations/${token}/accept`, { name: 'Eve', password: 'eve long password' });
      assert.equal(again.status, 410, 'a link works once');
      assert.equal((await call(h().app, 'GET', `/auth/invitations/${token}`)).status, 410);
      assert.equal((await acct.api('POST', '/users/invite', { email: address })).status, 409, 'already a user');
    });

    it('lets an invitation expire after 7 days, and only admins invite', async () => {
      const acct = await h().account();
      const address = `late-${dialect}@example.test`;
      await acct.api('POST', '/users/invite', { email: address });
      const token = await tokenMailedTo(h(), address, 'accept-invite');
      const member = await acct.api('POST', '/users', { name: 'M', email: `m-inv-${dialect}@example.test` });
      const asMember = await call(h().app, 'POST', '/api/v1/users/invite', { email: 'x@example.test' }, { authorization: `Bearer ${member.body.api_key}` });
      assert.equal(asMember.status, 403);
      h().clock.advance(7 * 24 * HOUR);
      try {
        assert.equal((await call(h().app, 'GET', `/auth/invitations/${token}`)).status, 410);
        const accept = await call(h().app, 'POST', `/auth/invitations/${token}/accept`, { name: 'Late', password: 'late long password' });
        assert.equal(accept.status, 410);
        assert.equal((await h().ctx.db.selectFrom('users').select('id').where('email', '=', address).execute()).length, 0);
      } finally {
        h().clock.advance(-7 * 24 * HOUR);
      }
    });

    it('answers forgot-password with 202 whether or not the email exists, and the link resets once and ends sessions', async () => {
      const acct = await h().account();
      const address = await emailOf(h(), acct.userId);
      const oldSession = await login(h(), address);
      const unknown = await call(h().app, 'POST', '/auth/forgot', { email: 'nobody@example.test' });
      const known = await call(h().app, 'POST', '/auth/forgot', { email: address.toUpperCase() });
      assert.equal(unknown.status, 202);
      assert.deepEqual([known.status, known.body], [unknown.status, unknown.body]);
      const token = await resetTokenFor(h(), address);
      assert.ok(token, 'a reset link was emailed');
      assert.equal(await tokenMailedTo(h(), 'nobody@example.test', 'reset-password'), undefined);

      const reset = withSession(await call(h().app, 'POST', '/auth/reset', { token, password: 'a brand new password' }));
      assert.equal(reset.status, 200);
      assert.equal(reset.body.user._id, acct.userId);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { cookie: reset.cookie })).status, 200);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { cookie: oldSession.cookie })).status, 401, 'old sessions end');
      assert.equal((await login(h(), address, PASSWORD)).status, 401);
      assert.equal((await login(h(), address, 'a brand new password')).status, 200);
      const reused = await call(h().app, 'POST', '/auth/reset', { token, password: 'yet another password' });
      assert.equal(reused.status, 410);
      assert.equal((await login(h(), address, 'a brand new password')).status, 200, 'the reused link changed nothing');
    });

    it('sends at most 3 reset links per user per hour and throttles a burst of requests with 429', async () => {
      const acct = await h().account();
      const address = await emailOf(h(), acct.userId);
      const answers = await Promise.all(Array.from({ length: 12 }, () => call(h().app, 'POST', '/auth/forgot', { email: address }, { 'x-forwarded-for': '1' })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [...Array<number>(10).fill(202), 429, 429]);
      const mails = async () => (await h().ctx.db.selectFrom('email_outbox').select('id').where('to_address', '=', address).execute()).length;
      for (let i = 0; i < 200 && (await mails()) < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(await mails(), 3);
      h().clock.advance(15 * 60_000);
    });

    it('lets a reset link expire after an hour', async () => {
      const acct = await h().account();
      const address = await emailOf(h(), acct.userId);
      await call(h().app, 'POST', '/auth/forgot', { email: address });
      const token = await resetTokenFor(h(), address);
      h().clock.advance(HOUR);
      try {
        assert.equal((await call(h().app, 'POST', '/auth/reset', { token, password: 'too late password' })).status, 410);
        assert.equal((await login(h(), address, PASSWORD)).status, 200);
      } finally {
        h().clock.advance(-HOUR);
      }
    });
  });
}
