// SQL for webhooks. Every read is scoped by account: another account's id is simply not found.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
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
