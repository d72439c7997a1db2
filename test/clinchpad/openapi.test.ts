// The OpenAPI document describes the ClinchPad routes, the form content type and the upload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/harness.ts';

describe('OpenAPI for ClinchPad clients', () => {
  const h = useHarness('sqlite');

  it('lists the new routes, form bodies on every JSON route and the multipart upload', async () => {
    const response = await h().app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    for (const [path, method] of [
      ['/organizations', 'post'],
      ['/organizations/{id}', 'put'],
      ['/organizations/{id}/fields/{field_id}', 'put'],
      ['/contacts/{id}/fields/{field_id}', 'put'],
      ['/contact-fields', 'post'],
      ['/leads/{id}/products/{itemId}', 'get'],
      ['/pipelines/{pid}/stages/{sid}', 'put'],
    ]) {
      assert.ok(doc.paths[path!]?.[method!], `${method} ${path}`);
    }
    const leadBody = doc.paths['/leads'].post.requestBody.content;
    assert.deepEqual(Object.keys(leadBody).sort(), ['application/json', 'application/x-www-form-urlencoded']);
    const upload = doc.paths['/leads/{id}/attachments'].post.requestBody.content;
    assert.deepEqual(Object.keys(upload).sort(), ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    assert.equal(upload['multipart/form-data'].schema.properties.file.format, 'binary');
    const contactQuery = doc.paths['/contacts'].get.parameters.map((p: { name: string }) => p.name);
    for (const name of ['name', 'email', 'phone', 'page', 'size']) assert.ok(contactQuery.includes(name), name);
  });
});
