// `leadhook keys create|list|revoke` and `leadhook users list|disable|enable` (docs/SECURITY.md, "Keys and users"), run as a child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness, type Harness } from '../helpers/harness.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/leadhook.js', import.meta.url).pathname;

function leadhook(h: Harness, ...args: string[]) {
  const env = { ...process.env, LEADHOOK_DATA_DIR: h.ctx.config.dataDir, DATABASE_URL: h.ctx.config.databaseUrl ?? '' };
  return run(process.execPath, [BIN, ...args], { env });
}

for (const dialect of DIALECTS) {
  describe(`keys commands [${dialect}]`, () => {
    const h = useHarness(dialect);

    it("lists a user's keys without secrets and revokes one, which stops working at once", async () => {
      const acct = await h().account();
      const email = (await acct.api('GET', '/me')).body.email;
      const created = (await acct.api('POST', '/keys', { name: 'to revoke' })).body;
      const listed = JSON.parse((await leadhook(h(), 'keys', 'list', '--email', email, '--json')).stdout);
      assert.deepEqual(listed.map((k: { name: string }) => k.name).sort(), ['default', 'to revoke']);
      assert.ok(!JSON.stringify(listed).includes(created.key), 'no secret is printed');
      const text = (await leadhook(h(), 'keys', 'list', '--email', email)).stdout;
      assert.match(text, new RegExp(`^${created._id}  ${created.prefix}…  to revoke  created `, 'm'));

      const revoked = await leadhook(h(), 'keys', 'revoke', created._id);
      assert.match(revoked.stdout, new RegExp(`key ${created._id} revoked`));
      assert.equal((await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${created.key}` })).status, 401);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${acct.apiKey}` })).status, 200);
      const after = JSON.parse((await leadhook(h(), 'keys', 'list', '--email', email, '--json')).stdout);
      assert.notEqual(after.find((k: { _id: string }) => k._id === created._id).revoked_at, null);
    });

    it('asks for --account when the email has users in several accounts', async () => {
      const first = await h().account();
      const second = await h().account();
      const email = (await first.api('GET', '/me')).body.email;
      assert.equal((await second.api('POST', '/users', { name: 'Twin', email })).status, 201);
      const failure = await leadhook(h(), 'keys', 'create', '--email', email).then(
        () => assert.fail('should fail'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 2);
      assert.match(failure.stderr, /several accounts .*add --account <id>/);
      const key = (await leadhook(h(), 'keys', 'create', '--email', email, '--account', second.accountId)).stdout.trim();
      const me = await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${key}` });
      assert.equal(me.body.name, 'Twin');
      const unknown = await leadhook(h(), 'keys', 'revoke', 'ffffffffffffffffffffffff').then(
        () => assert.fail('should fail'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.match(unknown.stderr, /no API key ffffffffffffffffffffffff/);
    });

    it('disables and enables a user; the last enabled admin cannot be disabled', async () => {
      const acct = await h().account();
      const mel = (await acct.api('POST', '/users', { name: 'Mel', email: `mel-cli-${dialect}@example.test` })).body;
      const listed = JSON.parse((await leadhook(h(), 'users', 'list', '--account', acct.accountId, '--json')).stdout);
      assert.deepEqual(listed.map((u: { name: string; disabled: boolean }) => [u.name, u.disabled]).sort(), [[acct.ownerName, false], ['Mel', false]].sort());
      assert.match((await leadhook(h(), 'users', 'disable', mel._id)).stdout, /disabled/);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${mel.api_key}` })).status, 401);
      await leadhook(h(), 'users', 'enable', mel._id);
      assert.equal((await call(h().app, 'GET', '/me', undefined, { authorization: `Bearer ${mel.api_key}` })).status, 200);
      const failure = await leadhook(h(), 'users', 'disable', acct.userId).then(
        () => assert.fail('should fail'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 2);
      assert.match(failure.stderr, /at least one enabled admin/);
    });
  });
}
