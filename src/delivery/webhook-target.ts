// What the worker needs to know about a webhook to send to it, loaded once per claimed batch.
import type { Kysely } from 'kysely';
import type { Schema, WebhookRow } from '../storage/schema.ts';

export type WebhookTarget = Pick<
  WebhookRow,
  'id' | 'url' | 'enabled' | 'secret' | 'previous_secret' | 'previous_secret_expires_at' | 'retry_schedule'
>;

export async function loadWebhookTargets(db: Kysely<Schema>, ids: string[]): Promise<Map<string, WebhookTarget>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'enabled', 'secret', 'previous_secret', 'previous_secret_expires_at', 'retry_schedule'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}
