// Helpers shared by the CRM and API tests (not a test file: the runner only picks
// *.test.ts). Expected values stay in the tests; these only make calls and read results.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { TestAccount } from '../helpers/harness.ts';

/** The harness's manual clock starts here and the tests never move it. */
export const NOW = '2026-01-05T09:00:00Z';

export async function newLead(acct: TestAccount, body: Record<string, unknown> = {}): Promise<{ _id: string; name: string }> {
  const pipe = await acct.pipeline();
  const created = await acct.api('POST', '/leads', { name: 'Acme', pipeline_id: pipe._id, ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** Calls the API and insists on the status, showing the body when it differs. */
export async function ok(acct: TestAccount, method: string, url: string, body?: unknown, status = method === 'POST' ? 201 : 200) {
  const response = await acct.api(method, url, body);
  assert.equal(response.status, status, `${method} ${url}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A lead's activities in recorded order (oldest first). */
export async function activitiesOf(acct: TestAccount, leadId: string): Promise<Array<Record<string, any>>> {
  return ok(acct, 'GET', `/leads/${leadId}/activities?size=500&order=asc`);
}

/** The last `count` activities of a lead, oldest first. */
export async function lastActivities(acct: TestAccount, leadId: string, count = 1): Promise<Array<Record<string, any>>> {
  const all = await activitiesOf(acct, leadId);
  return all.slice(-count);
}

/** A multipart/form-data body with one file part. */
export function multipartFile(field: string, filename: string, content: Buffer, type = 'text/plain') {
  const boundary = `----leadhook-test-${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export async function upload(app: FastifyInstance, acct: TestAccount, leadId: string, filename: string, content: Buffer, type?: string) {
  const body = multipartFile('file', filename, content, type);
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/leads/${leadId}/attachments`,
    headers: { authorization: `Bearer ${acct.apiKey}`, 'content-type': body.contentType },
    payload: body.payload,
  });
  return { status: response.statusCode, body: response.json() };
}
