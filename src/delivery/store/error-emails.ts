// The error-email throttle (docs/WEBHOOKS.md), decided inside a transaction and sent after it: the first
// error after a quiet interval goes out at once; later errors are counted and summarised at most
// once per `errorEmailIntervalS` per webhook; a disabled webhook is always reported. Claiming an
// email resets the counter in the same transaction, so two workers never send the same summary.
import type { Transaction } from 'kysely';
import type { WebhookEmailFacts } from '../../notifications/webhook-emails.ts';
import type { Schema } from '../../storage/schema.ts';

/** An email the worker must send after its transaction commits. */
export type EmailDue = WebhookEmailFacts;

export async function claimErrorEmail(
  db: Transaction<Schema>,
  webhookId: string,
  settings: { now: number; errorEmailIntervalS: number },
  options: { force: boolean; disabledReason?: string },
): Promise<EmailDue[]> {
  const row = await db
    .selectFrom('webhooks')
    .leftJoin('users', 'users.id', 'webhooks.created_by')
    .select(['webhooks.account_id', 'webhooks.url', 'webhooks.errors_since_email', 'webhooks.last_error_email_at', 'users.email'])
    .where('webhooks.id', '=', webhookId)
    .executeTakeFirst();
  if (!row || !row.email) return [];
  const quiet = row.last_error_email_at === null || settings.now - row.last_error_email_at >= settings.errorEmailIntervalS * 1000;
  if (!options.force && (row.errors_since_email === 0 || !quiet)) return [];
  const claimed = await db
    .updateTable('webhooks')
    .set({ last_error_email_at: settings.now, errors_since_email: 0 })
    .where('id', '=', webhookId)
    .where('errors_since_email', '=', row.errors_since_email)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return [];
  const last = await db
    .selectFrom('delivery_attempts')
    .select(['started_at', 'type', 'attempt_number', 'error_category', 'response_status', 'error_message'])
    .where('webhook_id', '=', webhookId)
    .where('succeeded', '=', 0)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return [
    {
      kind: options.disabledReason ? 'disabled' : 'errors',
      accountId: row.account_id,
      webhookId,
      url: row.url,
      to: row.email,
      errorCount: row.errors_since_email,
      lastError: last
        ? {
            at: last.started_at,
            type: last.type,
            attempt: last.attempt_number,
            category: last.error_category,
            status: last.response_status,
            message: last.error_message,
          }
        : null,
      disabledReason: options.disabledReason ?? null,
    },
  ];
}
