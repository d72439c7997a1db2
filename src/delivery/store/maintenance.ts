// Periodic statements no single attempt triggers (docs/WEBHOOKS.md): auto-disabling webhooks that
// have failed too long, error summaries whose interval has passed, and retention.
import type { Kysely } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { KEEP_HOURS_MS } from '../webhook-stats.ts';
import type { DialectSql } from './dialect-sql.ts';
import { claimErrorEmail, type EmailDue } from './error-emails.ts';
import { keepInLedger } from './ledger.ts';
import { startHealing } from './self-heal.ts';
import { autoDisableReason, disableWebhook } from './webhook-health.ts';

export interface MaintenanceSettings {
  now: number;
  autoDisableAfterS: number;
  errorEmailIntervalS: number;
  retentionDays: number;
}

/** Expired deliveries removed per transaction, with their attempts. */
export const PRUNE_BATCH = 500;
/** At most this many batches per run; the next run goes on. */
const PRUNE_BATCHES_PER_RUN = 40;

export async function disableOverdueWebhooks(db: Kysely<Schema>, settings: MaintenanceSettings): Promise<EmailDue[]> {
  const { now } = settings;
  const emails: EmailDue[] = [];
  const failing = await db
    .selectFrom('webhooks')
    .select('id')
    .where('enabled', '=', 1)
    .where('failing_since', '<=', now - settings.autoDisableAfterS * 1000)
    .orderBy('id')
    .execute();
  for (const { id } of failing) {
    const due = await db.transaction().execute(async (trx) => {
      const reason = await autoDisableReason(trx, id, settings);
      if (!reason || !(await disableWebhook(trx, id, reason, now))) return [];
      await startHealing(trx, id, now);
      return claimErrorEmail(trx, id, settings, { force: true, disabledReason: reason });
    });
    emails.push(...due);
  }
  return emails;
}

export async function dueErrorSummaries(db: Kysely<Schema>, settings: MaintenanceSettings): Promise<EmailDue[]> {
  const { now } = settings;
  const emails: EmailDue[] = [];
  const summaries = await db
    .selectFrom('webhooks')
    .select('id')
    .where('errors_since_email', '>', 0)
    .where((eb) => eb.or([eb('last_error_email_at', 'is', null), eb('last_error_email_at', '<=', now - settings.errorEmailIntervalS * 1000)]))
    .orderBy('id')
    .execute();
  for (const { id } of summaries) {
    emails.push(...(await db.transaction().execute((trx) => claimErrorEmail(trx, id, settings, { force: false }))));
  }
  return emails;
}

/**
 * Retention: finished deliveries older than the retention period go with their attempt records,
 * both in one transaction per batch, so no attempt is ever left without its delivery. Each pruned
 * activity delivery leaves a compact ledger row (ledger.ts) in the same transaction, so replay
 * and the audit still know what it came to. The health chart's kept hours go once older than
 * any window it shows (webhook-stats.ts). Returns how many deliveries were removed.
 */
export async function pruneExpired(db: Kysely<Schema>, expired: DialectSql['expired'], settings: Pick<MaintenanceSettings, 'now' | 'retentionDays'>): Promise<number> {
  const cutoff = settings.now - settings.retentionDays * 86_400_000;
  await db.deleteFrom('webhook_hour_stats').where('hour', '<', settings.now - KEEP_HOURS_MS).execute();
  let removed = 0;
  for (let batch = 0; batch < PRUNE_BATCHES_PER_RUN; batch++) {
    const count = await db.transaction().execute(async (trx) => {
      const { rows } = await expired(cutoff, PRUNE_BATCH).execute(trx);
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      await keepInLedger(trx, rows, settings.now);
      await trx.deleteFrom('delivery_attempts').where('delivery_id', 'in', ids).execute();
      await trx.deleteFrom('deliveries').where('id', 'in', ids).execute();
      return ids.length;
    });
    removed += count;
    if (count < PRUNE_BATCH) break;
  }
  return removed;
}
