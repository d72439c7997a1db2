// The web UI's server side without a browser: the page and its security headers, login, session,
// CSRF, logout, password change and the failed-login throttle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { call as apiCall, useHarness, type Harness, type Response } from '../helpers/harness.ts';

const PASSWORD = 'correct horse battery';

/** The harness's `call`, but /auth/* paths go to the UI routes instead of under /api/v1. */
async function call(app: Harness['app'], method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  if (!url.startsWith('/auth/')) return apiCall(app, method, url, body, headers);
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body), headers: response.headers };
}

async function login(h: Harness, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const response = await call(h.app, 'POST', '/auth/login', { email, password }, headers);
  const setCookie = String(response.headers['set-cookie'] ?? '');
  return { ...response, setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

async function ownerEmail(h: Harness, userId: string): Promise<string> {
  const row = await h.ctx.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.email;
}

for (const dialect of DIALECTS) {
  describe(`web auth [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('serves the page with a strict CSP that allows only the hashed import map', async () => {
      const page = await h().app.inject({ method: 'GET', url: '/' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.match(page.body, /<script type="importmap">/);
      const vendor = await h().app.inject({ method: 'GET', url: '/vendor/preact.mjs' });
      assert.equal(vendor.statusCode, 200);
      assert.match(String(vendor.headers['content-type']), /^text\/javascript/);
      const unknown = await h().app.inject({ method: 'GET', url: '/vendor/..%2Fpackage.json' });
      assert.equal(unknown.statusCode, 404);
      const indexAsStatic = await h().app.inject({ method: 'GET', url: '/static/index.html' });
      assert.equal(indexAsStatic.statusCode, 404);
    });

    it('logs in with an HttpOnly SameSite=Lax cookie and answers the same for unknown email and wrong password', async () => {
      const acct = await h().account();
      const email = await ownerEmail(h(), acct.userId);
      const wrong = await login(h(), email, 'not the password');
      const unknown = await login(h(), 'nobody@example.test', 'not the password');
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.deepEqual(wrong.body, {
        error: { code: 'unauthorized', message: 'Wrong email or password', details: null },
        message: 'Wrong email or password',
        detail: 'Wrong email or password',
      });
      assert.equal(wrong.headers['www-authenticate'], undefined);
      assert.equal(wrong.setCookie, '');

      const ok = await login(h(), email.toUpperCase());
      assert.equal(ok.status, 200);
      assert.match(ok.setCookie, /^lh_session=[A-Za-z0-9_-]{43}; /);
      assert.match(ok.setCookie, /; HttpOnly/);
      assert.match(ok.setCookie, /; SameSite=Lax/);
      assert.doesNotMatch(ok.setCookie, /; Secure/);
      assert.equal(ok.body.user.email, email);
      assert.equal(typeof ok.body.csrf_token, 'string');

      const session = await call(h().app, 'GET', '/auth/session', undefined, { cookie: ok.cookie });
      assert.equal(session.status, 200);
      assert.deepEqual(session.body, { user: ok.body.user, csrf_token: ok.body.csrf_token });
      const me = await call(h().app, 'GET', '/me', undefined, { cookie: ok.cookie });
      assert.equal(me.status, 200);
      assert.equal(me.body._id, acct.userId);
    });

    it('refuses state changes without the CSRF token, and ends the session on logout', async () => {
      const acct = await h().account();
      const ok = await login(h(), await ownerEmail(h(), acct.userId));
      const pipe = await acct.pipeline();
      const body = { name: 'Via session', pipeline_id: pipe._id };
      const noToken = await call(h().app, 'POST', '/leads', body, { cookie: ok.cookie });
      assert.equal(noToken.status, 403);
      assert.equal(noToken.body.error.code, 'forbidden');
      const withToken = await call(h().app, 'POST', '/leads', body, { cookie: ok.cookie, 'x-csrf-token': ok.body.csrf_token });
      assert.equal(withToken.status, 201);
      const leads = await acct.api('GET', `/leads?pipeline_id=${pipe._id}`);
      assert.deepEqual(leads.body.map((l: { name: string }) => l.name), ['Via session']);

      const logoutNoToken = await call(h().app, 'POST', '/auth/logout', undefined, { cookie: ok.cookie });
      assert.equal(logoutNoToken.status, 403);
      const logout = await call(h().app, 'POST', '/auth/logout', undefined, { cookie: ok.cookie, 'x-csrf-token': ok.body.csrf_token });
      assert.equal(logout.status, 200);
      assert.match(String(logout.headers['set-cookie']), /^lh_session=;/);
      const after = await call(h().app, 'GET', '/auth/session', undefined, { cookie: ok.cookie });
      assert.equal(after.status, 401);
      assert.equal(after.headers['www-authenticate'], undefined);
    });

    it('refuses a cross-origin login', async () => {
      const acct = await h().account();
      const response = await login(h(), await ownerEmail(h(), acct.userId), PASSWORD, { origin: 'https://evil.example' });
      assert.equal(response.status, 403);
      assert.equal(response.setCookie, '');
    });

    it('changes the password after checking the current one and logs out the other sessions', async () => {
      const acct = await h().account();
      const email = await ownerEmail(h(), acct.userId);
      const first = await login(h(), email);
      const second = await login(h(), email);
      const headers = { cookie: first.cookie, 'x-csrf-token': first.body.csrf_token };
      const wrongCurrent = await call(h().app, 'POST', '/auth/password', { current_password: 'nope', new_password: 'a new long password' }, headers);
      assert.equal(wrongCurrent.status, 400);
      assert.equal(wrongCurrent.body.error.details[0].field, 'current_password');
      const tooShort = await call(h().app, 'POST', '/auth/password', { current_password: PASSWORD, new_password: 'short' }, headers);
      assert.equal(tooShort.status, 400);
      assert.equal((await login(h(), email)).status, 200, 'a refused change leaves the old password working');

      const changed = await call(h().app, 'POST', '/auth/password', { current_password: PASSWORD, new_password: 'a new long password' }, headers);
      assert.equal(changed.status, 200);
      assert.equal((await login(h(), email)).status, 401);
      assert.equal((await login(h(), email, 'a new long password')).status, 200);
      assert.equal((await call(h().app, 'GET', '/auth/session', undefined, { cookie: first.cookie })).status, 200);
      assert.equal((await call(h().app, 'GET', '/auth/session', undefined, { cookie: second.cookie })).status, 401);
    });

    it('throttles repeated failed logins for one email and address', async () => {
      const acct = await h().account();
      const email = await ownerEmail(h(), acct.userId);
      for (let i = 0; i < 10; i++) assert.equal((await login(h(), email, `guess ${i}`)).status, 401);
      const blocked = await login(h(), email);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, 'rate_limited');
      assert.equal(blocked.headers['retry-after'], '900');
      h().clock.advance(15 * 60_000);
      assert.equal((await login(h(), email)).status, 200);
    });

    it('answers bad login input with a 400 in the error format', async () => {
      const missing = await call(h().app, 'POST', '/auth/login', { email: 'a@example.test' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'validation_failed');
      const notJson = await h().app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'email=a' });
      // A cross-site HTML form can only send text/plain or form bodies: never a JSON object.
      assert.equal(notJson.statusCode, 400);
    });
  });
}
