// Inboxes and their requests as the API shows them; each request carries the result of checking
// its signature with the secret(s) of the webhook it belongs to, at the time it was received.
import type { Kysely } from 'kysely';
import { verify } from '../receiver/verify.ts';
import { isoSeconds } from '../shared/clock.ts';
import type { Schema, WebhookRow } from '../storage/schema.ts';
import { inboxUrl } from './inspector.ts';
import { inspectorDb, type InspectorInboxRow, type InspectorRequestRow } from './inspector.tables.ts';

export interface InboxView {
  _id: string;
  url: string;
  webhook_id: string | null;
  created_at: string;
  expires_at: string;
}

export type SignatureCheck =
  | { status: 'valid'; webhook_id: string }
  | { status: 'invalid'; webhook_id: string; code: string; message: string }
  /** No webhook is attached to the inbox or uses its URL: nothing to check against. */
  | { status: 'no_webhook' }
  /** The body was cut at the storage limit, so its signature cannot be checked. */
  | { status: 'body_truncated' };

export interface InboxRequestView {
  _id: string;
  received_at: string;
  source: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  body_bytes: number;
  body_truncated: boolean;
  signature: SignatureCheck;
}

export function toInboxView(row: InspectorInboxRow, publicUrl: string): InboxView {
  return {
    _id: row.id,
    url: inboxUrl(publicUrl, row.token),
    webhook_id: row.webhook_id,
    created_at: isoSeconds(new Date(row.created_at)),
    expires_at: isoSeconds(new Date(row.expires_at)),
  };
}

type Signer = Pick<WebhookRow, 'id' | 'secret' | 'previous_secret' | 'previous_secret_expires_at'>;

/** The webhook whose secret checks this inbox: the attached one, else one of the account's using its URL. */
async function signerOf(db: Kysely<Schema>, inbox: InspectorInboxRow, publicUrl: string): Promise<Signer | undefined> {
  let query = db
    .selectFrom('webhooks')
    .select(['id', 'secret', 'previous_secret', 'previous_secret_expires_at'])
    .where('account_id', '=', inbox.account_id);
  query = inbox.webhook_id ? query.where('id', '=', inbox.webhook_id) : query.where('url', '=', inboxUrl(publicUrl, inbox.token));
  return query.orderBy('id').executeTakeFirst();
}

export function checkSignature(row: InspectorRequestRow, signer: Signer | undefined): SignatureCheck {
  if (!signer) return { status: 'no_webhook' };
  if (row.body_truncated === 1) return { status: 'body_truncated' };
  const secrets = [signer.secret];
  if (signer.previous_secret && (signer.previous_secret_expires_at ?? 0) > row.received_at) secrets.push(signer.previous_secret);
  const result = verify(JSON.parse(row.headers) as Record<string, string>, row.body, secrets, { now: () => new Date(row.received_at) });
  return result.ok
    ? { status: 'valid', webhook_id: signer.id }
    : { status: 'invalid', webhook_id: signer.id, code: result.error.code, message: result.error.message };
}

/** The inbox's requests, newest first; `after` (a request id) returns only newer ones, for polling. */
export async function listInboxRequests(
  db: Kysely<Schema>,
  inbox: InspectorInboxRow,
  publicUrl: string,
  after?: string,
): Promise<InboxRequestView[]> {
  let query = inspectorDb(db).selectFrom('inspector_requests').selectAll().where('inbox_id', '=', inbox.id).where('account_id', '=', inbox.account_id);
  if (after !== undefined) query = query.where('id', '>', after);
  const rows = await query.orderBy('id', 'desc').execute();
  const signer = await signerOf(db, inbox, publicUrl);
  return rows.map((row) => ({
    _id: row.id,
    received_at: new Date(row.received_at).toISOString(),
    source: row.source,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    body_bytes: row.body_bytes,
    body_truncated: row.body_truncated === 1,
    signature: checkSignature(row, signer),
  }));
}
