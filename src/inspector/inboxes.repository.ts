// Inboxes: create, read, list and delete, always scoped to one account; expired ones are purged.
import type { Kysely } from 'kysely';
import { AppError, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Schema } from '../storage/schema.ts';
import { INBOX_TTL_MS, MAX_INBOXES_PER_ACCOUNT, newInboxToken } from './inspector.ts';
import { inspectorDb, type InspectorInboxRow } from './inspector.tables.ts';

export async function createInbox(
  db: Kysely<Schema>,
  input: { accountId: string; userId: string; webhookId: string | null },
  now: Date,
): Promise<InspectorInboxRow> {
  const idb = inspectorDb(db);
  await purgeExpiredInboxes(db, now);
  const active = await idb
    .selectFrom('inspector_inboxes')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('account_id', '=', input.accountId)
    .executeTakeFirstOrThrow();
  if (Number(active.count) >= MAX_INBOXES_PER_ACCOUNT) {
    throw new AppError('conflict', `An account may hold ${MAX_INBOXES_PER_ACCOUNT} inboxes at once; delete one first`);
  }
  const row: InspectorInboxRow = {
    id: newId(now),
    account_id: input.accountId,
    token: newInboxToken(),
    webhook_id: input.webhookId,
    created_by: input.userId,
    created_at: now.getTime(),
    expires_at: now.getTime() + INBOX_TTL_MS,
  };
  await idb.insertInto('inspector_inboxes').values(row).execute();
  return row;
}

export async function getInbox(db: Kysely<Schema>, accountId: string, id: string, now: Date): Promise<InspectorInboxRow> {
  const row = await inspectorDb(db)
    .selectFrom('inspector_inboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('expires_at', '>', now.getTime())
    .executeTakeFirst();
  if (!row) throw notFound('Inbox');
  return row;
}

export async function listInboxes(db: Kysely<Schema>, accountId: string, now: Date, webhookId?: string): Promise<InspectorInboxRow[]> {
  let query = inspectorDb(db)
    .selectFrom('inspector_inboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now.getTime());
  if (webhookId !== undefined) query = query.where('webhook_id', '=', webhookId);
  return query.orderBy('id', 'desc').execute();
}

export async function deleteInbox(db: Kysely<Schema>, accountId: string, id: string, now: Date): Promise<void> {
  const inbox = await getInbox(db, accountId, id, now);
  await inspectorDb(db).transaction().execute(async (trx) => {
    await trx.deleteFrom('inspector_requests').where('inbox_id', '=', inbox.id).execute();
    await trx.deleteFrom('inspector_inboxes').where('id', '=', inbox.id).execute();
  });
}

/** Deletes every expired inbox and its requests (run when an inbox is created). */
export async function purgeExpiredInboxes(db: Kysely<Schema>, now: Date): Promise<void> {
  const idb = inspectorDb(db);
  const expired = await idb.selectFrom('inspector_inboxes').select('id').where('expires_at', '<=', now.getTime()).limit(500).execute();
  if (expired.length === 0) return;
  const ids = expired.map((row) => row.id);
  await idb.deleteFrom('inspector_requests').where('inbox_id', 'in', ids).execute();
  await idb.deleteFrom('inspector_inboxes').where('id', 'in', ids).execute();
}
