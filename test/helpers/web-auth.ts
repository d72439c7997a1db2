// Calls to the UI's /auth routes (outside /api/v1) and session logins, shared by the account tests.
import type { Harness, Response } from './harness.ts';
import { call as apiCall } from './harness.ts';

export const PASSWORD = 'correct horse battery';

/** The harness's `call`, but /auth/* paths go to the UI routes instead of under /api/v1. */
export async function call(app: Harness['app'], method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  if (!url.startsWith('/auth/')) return apiCall(app, method, url, body, headers);
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: response.body === '' ? undefined : JSON.parse(response.body), headers: response.headers };
}

export interface LoggedIn extends Response {
  setCookie: string;
  cookie: string;
  /** Request headers for state-changing calls with this session. */
  auth: Record<string, string>;
}

/** Wraps an answer that may set the session cookie. */
export function withSession(response: Response): LoggedIn {
  const setCookie = String(response.headers['set-cookie'] ?? '');
  const cookie = setCookie.split(';')[0] ?? '';
  return { ...response, setCookie, cookie, auth: { cookie, 'x-csrf-token': String(response.body?.csrf_token ?? '') } };
}

export async function login(h: Harness, email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<LoggedIn> {
  return withSession(await call(h.app, 'POST', '/auth/login', { email, password }, headers));
}

export async function emailOf(h: Harness, userId: string): Promise<string> {
  const row = await h.ctx.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.email;
}

/** The link token in the newest outbox email to `to`. */
export async function tokenMailedTo(h: Harness, to: string, kind: 'accept-invite' | 'reset-password'): Promise<string | undefined> {
  const rows = await h.ctx.db.selectFrom('email_outbox').select(['text', 'id']).where('to_address', '=', to).orderBy('id', 'desc').execute();
  for (const row of rows) {
    const match = new RegExp(`/#/${kind}\\?token=([A-Za-z0-9_-]+)`).exec(row.text);
    if (match) return match[1];
  }
  return undefined;
}
