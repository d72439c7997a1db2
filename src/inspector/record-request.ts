// Records one request into an inbox, found by its token: bodies cut at 256 KiB, only the newest 100
// requests kept. Used by the public `POST /inbox/:token` route and, in-process, by the delivery
// sender for webhooks whose URL is an inbox (see inbox-sender.ts).
import type { Kysely } from 'kysely';
import { newId } from '../shared/ids.ts';
import type { Schema } from '../storage/schema.ts';
import { MAX_REQUESTS_PER_INBOX, MAX_STORED_BODY_BYTES, type InboxRequestInput } from './inspector.ts';
import { inspectorDb } from './inspector.tables.ts';

export type RecordOutcome = { kind: 'recorded'; id: string } | { kind: 'not_found' } | { kind: 'expired' };

/** PostgreSQL text cannot hold NUL; what is shown is what arrived, with NUL as U+FFFD. */
const withoutNul = (text: string) => text.replaceAll('\u0000', '\uFFFD');

export async function recordInboxRequest(db: Kysely<Schema>, token: string, input: InboxRequestInput, now: Date): Promise<RecordOutcome> {
  const idb = inspectorDb(db);
  const inbox = await idb.selectFrom('inspector_inboxes').select(['id', 'account_id', 'expires_at']).where('token', '=', token).executeTakeFirst();
  if (!inbox) return { kind: 'not_found' };
  if (inbox.expires_at <= now.getTime()) return { kind: 'expired' };

  const bytes = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const truncated = bytes.length > MAX_STORED_BODY_BYTES;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = withoutNul(value);
  const id = newId(now);
  await idb.transaction().execute(async (trx) => {
    await trx
      .insertInto('inspector_requests')
      .values({
        id,
        inbox_id: inbox.id,
        account_id: inbox.account_id,
        received_at: now.getTime(),
        source: input.source,
        method: input.method.slice(0, 16),
        headers: JSON.stringify(headers),
        body: withoutNul(bytes.subarray(0, MAX_STORED_BODY_BYTES).toString('utf8')),
        body_bytes: bytes.length,
        body_truncated: truncated ? 1 : 0,
      })
      .execute();
    const keep = trx
      .selectFrom('inspector_requests')
      .select('id')
      .where('inbox_id', '=', inbox.id)
      .orderBy('id', 'desc')
      .limit(MAX_REQUESTS_PER_INBOX);
    await trx.deleteFrom('inspector_requests').where('inbox_id', '=', inbox.id).where('id', 'not in', keep).execute();
  });
  return { kind: 'recorded', id };
}
