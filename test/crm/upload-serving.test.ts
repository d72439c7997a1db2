// Uploaded files can never execute on leadhook's origin (docs/SECURITY.md, "Uploads"): served as
// downloads, typed application/octet-stream unless an inert raster image, nosniff, sandboxed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { newLead, upload } from '../api/fixtures.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

for (const dialect of DIALECTS) {
  describe(`serving uploads [${dialect}]`, () => {
    const h = useHarness(dialect);
    const download = (url: string) => h().app.inject({ method: 'GET', url: new URL(url).pathname });

    it('serves script, HTML and SVG uploads as inert downloads, whatever type they were uploaded with', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      for (const [name, type] of [
        ['steal.js', 'text/javascript'],
        ['steal.mjs', 'application/javascript'],
        ['page.html', 'text/html'],
        ['logo.svg', 'image/svg+xml'],
        ['data.json', 'application/json'],
        ['note.txt', 'text/plain; charset=utf-8'],
      ]) {
        const uploaded = await upload(h().app, acct, lead._id, name!, Buffer.from('alert(document.cookie)'), type);
        assert.equal(uploaded.status, 201, name);
        const response = await download(uploaded.body.url);
        assert.equal(response.statusCode, 200, name);
        assert.equal(response.headers['content-type'], 'application/octet-stream', name);
        assert.match(String(response.headers['content-disposition']), /^attachment; /, name);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', name);
        const csp = String(response.headers['content-security-policy']);
        assert.match(csp, /(^|; )sandbox(;|$)/, name);
        assert.match(csp, /(^|; )default-src 'none'(;|$)/, name);
      }
    });

    it('keeps the type of inert raster images, still as a download', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const uploaded = await upload(h().app, acct, lead._id, 'pic.png', PNG, 'image/png');
      const response = await download(uploaded.body.url);
      assert.equal(response.headers['content-type'], 'image/png');
      assert.match(String(response.headers['content-disposition']), /^attachment; /);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    });
  });
}
