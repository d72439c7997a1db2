// Hostile input stays a cheap 4xx in the API's error shape: huge invalid bodies, deep nesting
// (also unauthenticated), broken multipart bodies, over-long path segments, slow bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REQUEST_TIMEOUT_MS } from '../../src/http/app.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { newLead } from '../api/fixtures.ts';
import { clinchPadClient } from './client.ts';

const ERROR_KEYS = ['error', 'message', 'detail'];

for (const dialect of DIALECTS) {
  describe(`hostile input [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('answers every error with error {code, message, details} and the sentence as message and detail', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const missing = await client.json('GET', '/leads/0123456789abcdef01234567');
      assert.equal(missing.status, 404);
      assert.deepEqual(Object.keys(missing.body), ERROR_KEYS);
      assert.deepEqual(missing.body.error, { code: 'not_found', message: 'Lead not found', details: null });
      assert.equal(missing.body.message, 'Lead not found');
      assert.equal(missing.body.detail, 'Lead not found');
    });

    it('lists at most 10 problems with their count, even for a 50,000-item invalid body', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const some = await client.json('POST', '/pipelines', { name: 'P', stages: Array.from({ length: 40 }, (_, i) => i) });
      assert.equal(some.status, 400);
      assert.equal(some.body.error.details.length, 10);
      assert.match(some.body.message, /40 problems, first 10 listed/);

      const huge = await client.json('POST', '/pipelines', { name: 'P', stages: Array.from({ length: 50_000 }, (_, i) => i) });
      assert.equal(huge.status, 400);
      assert.ok(huge.body.error.details.length <= 10);
      assert.ok(JSON.stringify(huge.body).length < 2000, `answer of ${JSON.stringify(huge.body).length} characters`);
      assert.deepEqual((await client.json('GET', '/pipelines')).body.map((p: { name: string }) => p.name), ['Default']);
    });

    it('refuses deeply nested JSON with a 400, with or without a key, before validating it', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const deep = `{"name":${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}}`;
      const authenticated = await client.raw('POST', '/contacts', 'application/json', deep);
      assert.equal(authenticated.status, 400);
      assert.match(authenticated.body.error.message, /nested deeper than 32/);
      const login = await h().app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: deep });
      assert.equal(login.statusCode, 400);
      assert.equal(login.json().error.code, 'bad_request');
      const asForm = await client.raw('POST', '/contacts', 'application/x-www-form-urlencoded', deep);
      assert.equal(asForm.status, 400);
      // The UI's login reads JSON only: a cross-site HTML form cannot log a browser in.
      for (const [type, status] of [['application/x-www-form-urlencoded', 415], ['text/plain', 400]] as const) {
        const payload = type === 'text/plain' ? JSON.stringify({ email: 'a@b.c', password: 'x' }) : 'email=a%40b.c&password=x';
        const form = await h().app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': type }, payload });
        assert.equal(form.statusCode, status, type);
      }
      // 32 levels are fine (the schema then refuses the value itself).
      const ok = await client.raw('POST', '/contacts', 'application/json', `{"name":${'['.repeat(31)}${']'.repeat(31)}}`);
      assert.equal(ok.status, 400);
      assert.equal(ok.body.error.code, 'validation_failed');
    });

    it('answers 400 to a multipart upload without a boundary or with garbage', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const lead = await newLead(acct);
      const path = `/leads/${lead._id}/attachments`;
      for (const [type, payload] of [
        ['multipart/form-data', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--x--\r\n'],
        ['multipart/form-data; boundary=abc', '\u0000\u0001garbage that is not multipart at all'],
        ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nunterminated'],
      ]) {
        const response = await client.raw('POST', path, type!, payload!);
        assert.ok(response.status === 400, `${type}: ${response.status} ${JSON.stringify(response.body)}`);
        assert.deepEqual(Object.keys(response.body), ERROR_KEYS);
      }
      assert.deepEqual((await client.json('GET', path)).body, []);
    });

    it('answers an over-long path segment with 414 in the error shape', async () => {
      const acct = await h().account();
      const client = clinchPadClient(h().app, acct);
      const response = await client.json('GET', `/leads/${'a'.repeat(5000)}`);
      assert.equal(response.status, 414);
      assert.deepEqual(Object.keys(response.body), ERROR_KEYS);
      assert.equal(response.body.error.code, 'uri_too_long');
    });

    it('holds a request body for at most 30 seconds', () => {
      assert.equal(REQUEST_TIMEOUT_MS, 30_000);
      assert.equal(h().app.server.requestTimeout, 30_000, "the HTTP server drops a request still arriving after 30 s");
    });
  });
}
