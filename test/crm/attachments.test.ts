// Uploaded attachments: stored under <dataDir>/attachments, served back at their unguessable URL
// without authentication, removed from disk when the attachment or its lead is deleted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { newLead, ok, upload } from '../api/fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`attachments [${dialect}]`, () => {
    const h = useHarness(dialect);
    const storedFiles = () => {
      const dir = path.join(h().ctx.config.dataDir, 'attachments');
      return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    };
    const download = (url: string) => h().app.inject({ method: 'GET', url: new URL(url).pathname });

    it('serves an upload at its URL without a key, as a download', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const uploaded = await upload(h().app, acct, lead._id, '../../etc/Quote Q1 €.html', Buffer.from('<script>alert(1)</script>'), 'text/html');
      assert.equal(uploaded.status, 201);
      assert.equal(uploaded.body.filename, 'Quote Q1 €.html', 'the path part of the client name is dropped');
      assert.equal(uploaded.body.size, 25);
      assert.equal(uploaded.body.content_type, 'text/html');
      const response = await download(uploaded.body.url);
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '<script>alert(1)</script>');
      assert.equal(response.headers['content-disposition'], `attachment; filename="Quote Q1 _.html"; filename*=UTF-8''Quote%20Q1%20%E2%82%AC.html`);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['content-security-policy'], "default-src 'none'; sandbox");
      assert.deepEqual(await ok(acct, 'GET', `/leads/${lead._id}/attachments/${uploaded.body._id}`), uploaded.body);
    });

    it('answers 404 for a wrong key, a wrong filename or a malformed key', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const { body } = await upload(h().app, acct, lead._id, 'a.txt', Buffer.from('a'));
      const { pathname } = new URL(body.url);
      const key = pathname.split('/')[2]!;
      const wrongKey = key.slice(0, 24) + 'A'.repeat(32);
      for (const url of [`/files/${wrongKey}/a.txt`, `/files/${key}/b.txt`, `/files/..%2F..%2Fleadhook.db/a.txt`, `/files/${key.slice(0, 30)}/a.txt`]) {
        const response = await h().app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 404, url);
        assert.equal(response.json().error.code, 'not_found');
      }
    });

    it('deleting the attachment removes its file; deleting the lead removes the rest', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const before = storedFiles().length;
      const first = await upload(h().app, acct, lead._id, 'one.txt', Buffer.from('1'));
      const second = await upload(h().app, acct, lead._id, 'two.txt', Buffer.from('2'));
      await ok(acct, 'POST', `/leads/${lead._id}/attachments`, { filename: 'link', url: 'http://example.com/x' });
      assert.equal(storedFiles().length, before + 2);
      await ok(acct, 'DELETE', `/leads/${lead._id}/attachments/${first.body._id}`);
      assert.equal(storedFiles().length, before + 1);
      assert.equal((await download(first.body.url)).statusCode, 404);
      await ok(acct, 'DELETE', `/leads/${lead._id}`);
      assert.equal(storedFiles().length, before);
      assert.equal((await download(second.body.url)).statusCode, 404);
    });

    it('refuses a file over 1 MiB with 413 and keeps nothing', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const before = storedFiles().length;
      const response = await upload(h().app, acct, lead._id, 'big.bin', Buffer.alloc(1024 * 1024 + 1, 1));
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, 'payload_too_large');
      assert.equal(storedFiles().length, before);
      assert.deepEqual(await ok(acct, 'GET', `/leads/${lead._id}/attachments`), []);
    });

    it('refuses a link that is not http(s), and an upload to an unknown lead leaves no file', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      for (const url of ['javascript:alert(1)', 'ftp://example.com/a', 'not a url']) {
        const response = await acct.api('POST', `/leads/${lead._id}/attachments`, { filename: 'x', url });
        assert.equal(response.status, 400, url);
        assert.equal(response.body.error.code, 'validation_failed');
      }
      const before = storedFiles().length;
      const orphan = await upload(h().app, acct, '0123456789abcdef01234567', 'x.txt', Buffer.from('x'));
      assert.equal(orphan.status, 404);
      assert.equal(storedFiles().length, before);
      assert.deepEqual(await ok(acct, 'GET', `/leads/${lead._id}/attachments`), []);
    });
  });
}
