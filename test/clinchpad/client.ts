// Requests the way real ClinchPad clients send them (not a test file): HTTP Basic with the user
// name `api-key`, bodies as JSON or as form-urlencoded, raw paths as written by the client.
import type { FastifyInstance } from 'fastify';
import type { Response, TestAccount } from '../helpers/harness.ts';

export interface ClinchPadClient {
  /** A JSON body (or none). */
  json<T = any>(method: string, path: string, body?: unknown): Promise<Response<T>>;
  /** An application/x-www-form-urlencoded body built from the pairs. */
  form<T = any>(method: string, path: string, pairs: Record<string, string | string[]>): Promise<Response<T>>;
  /** Any body text under any content type. */
  raw<T = any>(method: string, path: string, contentType: string, payload: string | Buffer): Promise<Response<T>>;
}

function encodeForm(pairs: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(pairs)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return params.toString();
}

export function clinchPadClient(app: FastifyInstance, acct: TestAccount): ClinchPadClient {
  const authorization = `Basic ${Buffer.from(`api-key:${acct.apiKey}`).toString('base64')}`;
  const send = async (method: string, path: string, headers: Record<string, string>, payload?: string | Buffer) => {
    const response = await app.inject({ method: method as 'GET', url: `/api/v1${path}`, headers: { authorization, ...headers }, ...(payload === undefined ? {} : { payload }) });
    let body: unknown = response.body;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body: body as any, headers: response.headers };
  };
  return {
    json: (method, path, body) =>
      body === undefined ? send(method, path, {}) : send(method, path, { 'content-type': 'application/json' }, JSON.stringify(body)),
    form: (method, path, pairs) => send(method, path, { 'content-type': 'application/x-www-form-urlencoded' }, encodeForm(pairs)),
    raw: (method, path, contentType, payload) => send(method, path, { 'content-type': contentType }, payload),
  };
}
