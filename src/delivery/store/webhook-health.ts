// The webhook health the engine keeps (failing since, last attempt, the error-email counter, the
// receiver's pause: docs/WEBHOOKS.md, "Back-pressure"), 410
// Gone and auto-disabling (docs/WEBHOOKS.md). Written after the results' own transaction, in one
// transaction per batch that locks webhook rows in webhook-id order: the hot `webhooks` rows are
// never held by a results transaction, so results cannot deadlock on them, and two health writers
// take them in the same order. Emails are only decided here (and only for recorded attempts); they
// are sent after commit.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { claimErrorEmail, type EmailDue } from './error-emails.ts';
import type { FinishedAttempt } from './results.ts';
import { startHealing } from './self-heal.ts';

export interface HealthSettings {
  now: number;
  autoDisableAfterS: number;
  errorEmailIntervalS: number;
}

export async function recordWebhookHealth(db: Kysely<Schema>, recorded: readonly FinishedAttempt[], settings: HealthSettings): Promise<EmailDue[]> {
  if (recorded.length === 0) return [];
  // Nearly every batch: one statement, no transaction (it takes the rows in id order by itself).
  const healthy = allHealthy(recorded);
  if (healthy) {
    await markHealthy(db, healthy, settings.now);
    return [];
  }
  return db.transaction().execute((trx) => recordWebhookHealthIn(trx, recorded, settings));
}

/** recordWebhookHealth inside the caller's transaction (SQLite: the results' own, dialect-sql.ts). */
export async function recordWebhookHealthIn(trx: Transaction<Schema>, recorded: readonly FinishedAttempt[], settings: HealthSettings): Promise<EmailDue[]> {
  const { now } = settings;
  const healthy = allHealthy(recorded);
  if (healthy) {
    await markHealthy(trx, healthy, now);
    return [];
  }
  const groups = [...groupByWebhook(recorded)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const emails: EmailDue[] = [];
  for (const [webhookId, attempts] of groups) {
    const last = attempts[attempts.length - 1]!;
    const failures = attempts.filter((a) => a.outcome.kind === 'failed');
    const lastOutcome = last.outcome;
    await pauseWebhook(trx, webhookId, latestPause(attempts));
    await trx
      .updateTable('webhooks')
      .set((eb) =>
        lastOutcome.kind === 'delivered'
          ? { failing_since: null, last_success_at: now, last_attempt_status: 'succeeded' }
          : { failing_since: eb.fn.coalesce('failing_since', eb.val(now)), last_attempt_status: lastOutcome.category },
      )
      .set((eb) => ({ last_attempt_at: now, errors_since_email: eb('errors_since_email', '+', failures.length) }))
      .where('id', '=', webhookId)
      .execute();
    if (failures.length === 0) continue;

    const gone = failures.some((a) => a.outcome.kind === 'failed' && a.outcome.gone);
    const disabledFor = gone ? `the endpoint answered 410 Gone at ${new Date(now).toISOString()}` : await autoDisableReason(trx, webhookId, settings);
    if (disabledFor && (await disableWebhook(trx, webhookId, disabledFor, now))) {
      // An auto-disable starts self-healing probes (if opted in); 410 Gone is the receiver
      // asking to stop, so it is never probed.
      if (!gone) await startHealing(trx, webhookId, now);
      emails.push(...(await claimErrorEmail(trx, webhookId, settings, { force: true, disabledReason: disabledFor })));
      continue;
    }
    emails.push(...(await claimErrorEmail(trx, webhookId, settings, { force: false })));
  }
  return emails;
}

/**
 * The batch's webhooks in id order when every attempt in it was delivered without a pause (then
 * each webhook's health comes to the same few columns), else undefined.
 */
function allHealthy(recorded: readonly FinishedAttempt[]): string[] | undefined {
  const ids = new Set<string>();
  for (const attempt of recorded) {
    if (attempt.outcome.kind !== 'delivered' || attempt.pauseUntil !== null) return undefined;
    ids.add(attempt.delivery.webhook_id);
  }
  return [...ids].sort();
}

/** What a batch of deliveries alone does to its webhooks' health: succeeding, no new error. */
async function markHealthy(db: Kysely<Schema>, webhookIds: readonly string[], now: number): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ failing_since: null, last_success_at: now, last_attempt_status: 'succeeded', last_attempt_at: now })
    .where('id', 'in', webhookIds)
    .execute();
}

function latestPause(attempts: readonly FinishedAttempt[]): number | null {
  let until: number | null = null;
  for (const attempt of attempts) if (attempt.pauseUntil !== null && (until === null || attempt.pauseUntil > until)) until = attempt.pauseUntil;
  return until;
}

/**
 * Pauses the webhook for every worker until `until` (docs/WEBHOOKS.md, "Back-pressure"): the claim
 * skips it (claim.ts). Only ever moved later: answers in flight together may name different ends.
 */
async function pauseWebhook(trx: Transaction<Schema>, webhookId: string, until: number | null): Promise<void> {
  if (until === null) return;
  await trx
    .updateTable('webhooks')
    .set({ paused_until: until })
    .where('id', '=', webhookId)
    .where((eb) => eb.or([eb('paused_until', 'is', null), eb('paused_until', '<', until)]))
    .execute();
}

function groupByWebhook(attempts: readonly FinishedAttempt[]): Map<string, FinishedAttempt[]> {
  const groups = new Map<string, FinishedAttempt[]>();
  for (const attempt of attempts) {
    const list = groups.get(attempt.delivery.webhook_id);
    if (list) list.push(attempt);
    else groups.set(attempt.delivery.webhook_id, [attempt]);
  }
  return groups;
}

/** Why to disable: no successful delivery for `autoDisableAfterS` while failing; null to keep it. */
export async function autoDisableReason(
  db: Kysely<Schema>,
  webhookId: string,
  settings: Pick<HealthSettings, 'now' | 'autoDisableAfterS'>,
): Promise<string | null> {
  const row = await db.selectFrom('webhooks').select(['failing_since', 'enabled']).where('id', '=', webhookId).executeTakeFirst();
  if (!row || row.enabled !== 1 || row.failing_since === null) return null;
  if (settings.now - row.failing_since < settings.autoDisableAfterS * 1000) return null;
  const days = (settings.autoDisableAfterS / 86_400).toFixed(1).replace(/\.0$/, '');
  return `no successful delivery for ${days} days (${settings.autoDisableAfterS} s) since ${new Date(row.failing_since).toISOString()}`;
}

/**
 * Disables a webhook and fails its pending deliveries (they become replayable with recover): the
 * webhook row first, then its deliveries, the order every writer of both follows. Deliveries in
 * flight (leased) are left to their worker, which records the attempt; a later claim fails them.
 * Returns false when it was already disabled.
 */
export async function disableWebhook(trx: Transaction<Schema>, id: string, reason: string | null, now: number): Promise<boolean> {
  const result = await trx
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  await trx
    .updateTable('deliveries')
    .set({
      status: 'failed',
      last_error: `webhook disabled: ${reason ?? 'webhook disabled'}`,
      lease_until: null,
      leased_by: null,
      lease_token: null,
      updated_at: now,
    })
    .where('webhook_id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_token', 'is', null), eb('lease_until', '<=', now)]))
    .execute();
  return Number(result.numUpdatedRows) > 0;
}
