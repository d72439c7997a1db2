// The webhook columns the engine reads: which enabled webhooks an activity goes to (the outbox),
// and what a worker needs to send to one (loaded once per claimed batch).
import type { Kysely } from 'kysely';
import { fixedRead } from '../../storage/fixed-sql.ts';
import type { Schema, WebhookRow } from '../../storage/schema.ts';

export type WebhookTarget = Pick<
  WebhookRow,
  | 'id'
  | 'url'
  | 'enabled'
  | 'secret'
  | 'previous_secret'
  | 'previous_secret_expires_at'
  | 'retry_schedule'
  | 'send_traceparent'
  | 'paused_until'
  | 'max_rate_per_second'
  | 'ordering'
>;

export async function loadWebhookTargets(db: Kysely<Schema>, ids: string[]): Promise<Map<string, WebhookTarget>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'enabled', 'secret', 'previous_secret', 'previous_secret_expires_at', 'retry_schedule', 'send_traceparent', 'paused_until', 'max_rate_per_second', 'ordering'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

const readEnabledWebhooks = fixedRead<Pick<WebhookRow, 'id' | 'events' | 'handshake_key'>>(
  'select "id", "events", "handshake_key" from "webhooks" where "account_id" = ? and "enabled" = 1',
);

/** Enabled webhooks of an account with their event filters (inside the change's transaction; every write reads them). */
export async function enabledWebhooks(
  db: Kysely<Schema>,
  accountId: string,
): Promise<Array<Pick<WebhookRow, 'id' | 'events' | 'handshake_key'>>> {
  return readEnabledWebhooks(db, [accountId]);
}
