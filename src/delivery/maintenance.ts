// Periodic work of the worker that no single attempt triggers: error summaries whose interval has
// passed, auto-disabling webhooks that have been failing too long, and retention (PRODUCT §4).
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { disableWebhook } from '../webhooks/webhooks.repository.ts';
import { autoDisableReason } from './complete-deliveries.ts';
import { claimErrorEmail, type EmailDue } from './email-due.ts';

export interface MaintenanceSettings {
  now: number;
  autoDisableAfterS: number;
  errorEmailIntervalS: number;
  retentionDays: number;
}

export async function runMaintenance(db: Kysely<Schema>, settings: MaintenanceSettings): Promise<EmailDue[]> {
  const { now } = settings;
  const emails: EmailDue[] = [];
  const failing = await db
    .selectFrom('webhooks')
    .select('id')
    .where('enabled', '=', 1)
    .where('failing_since', '<=', now - settings.autoDisableAfterS * 1000)
    .execute();
  for (const { id } of failing) {
    const due = await db.transaction().execute(async (trx) => {
      const reason = await autoDisableReason(trx, id, settings);
      if (!reason || !(await disableWebhook(trx, id, reason, now))) return [];
      return claimErrorEmail(trx, id, settings, { force: true, disabledReason: reason });
    });
    emails.push(...due);
  }

  const summaries = await db
    .selectFrom('webhooks')
    .select('id')
    .where('errors_since_email', '>', 0)
    .where((eb) => eb.or([eb('last_error_email_at', 'is', null), eb('last_error_email_at', '<=', now - settings.errorEmailIntervalS * 1000)]))
    .execute();
  for (const { id } of summaries) {
    emails.push(...(await db.transaction().execute((trx) => claimErrorEmail(trx, id, settings, { force: false }))));
  }

  // Retention: finished deliveries (and their attempts) older than the retention period go.
  const cutoff = now - settings.retentionDays * 86_400_000;
  const old = db.selectFrom('deliveries').select('id').where('status', '!=', 'pending').where('created_at', '<', cutoff).limit(1000);
  await db.deleteFrom('delivery_attempts').where('delivery_id', 'in', old).execute();
  await db.deleteFrom('deliveries').where('status', '!=', 'pending').where('created_at', '<', cutoff).execute();
  return emails;
}
