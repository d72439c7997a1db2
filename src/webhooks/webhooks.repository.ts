// SQL for webhooks. Every read is scoped by account: another account's id is simply not found.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { Schema, WebhookRow } from '../storage/schema.ts';
import type { WebhookWithCreator } from './webhook.ts';

function withCreator(db: Kysely<Schema>) {
  return db
    .selectFrom('webhooks')
    .leftJoin('users', 'users.id', 'webhooks.created_by')
    .selectAll('webhooks')
    .select(['users.name as creator_name', 'users.email as creator_email']);
}

export async function getWebhook(db: Kysely<Schema>, accountId: string, id: string): Promise<WebhookWithCreator> {
  const row = await withCreator(db).where('webhooks.account_id', '=', accountId).where('webhooks.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Webhook');
  return row;
}

export async function listWebhooks(db: Kysely<Schema>, accountId: string, limit: number, offset: number): Promise<WebhookWithCreator[]> {
  return withCreator(db).where('webhooks.account_id', '=', accountId).orderBy('webhooks.id').limit(limit).offset(offset).execute();
}

/** Enabled webhooks of an account, for the outbox (runs inside the change's transaction). */
export async function enabledWebhooks(
  db: Kysely<Schema>,
  accountId: string,
): Promise<Array<Pick<WebhookRow, 'id' | 'events' | 'handshake_key'>>> {
  return db
    .selectFrom('webhooks')
    .select(['id', 'events', 'handshake_key'])
    .where('account_id', '=', accountId)
    .where('enabled', '=', 1)
    .execute();
}

/**
 * Disables a webhook and fails its pending deliveries (they become replayable with recover).
 * Returns false when it was already disabled.
 */
export async function disableWebhook(db: Kysely<Schema>, id: string, reason: string | null, now: number): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  await failPendingDeliveries(db, id, reason ?? 'webhook disabled', now);
  return Number(result.numUpdatedRows) > 0;
}

export async function failPendingDeliveries(db: Kysely<Schema>, webhookId: string, reason: string, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'failed', last_error: `webhook disabled: ${reason}`, lease_until: null, leased_by: null, updated_at: now })
    .where('webhook_id', '=', webhookId)
    .where('status', '=', 'pending')
    .execute();
}
