// Writing a batch of finished attempts in one transaction: the attempt records (multi-row inserts), each delivery's
// next state, each webhook's health (failing since, last attempt), 410 and auto-disable, and the
// error-email throttle. Emails are only decided here; they are sent after commit (never inside a
// transaction). A delivery whose lease this worker lost is left alone (its attempt is still logged).
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { disableWebhook } from '../webhooks/webhooks.repository.ts';
import { attemptRow, type AttemptFacts } from './attempt-record.ts';
import { claimErrorEmail, type EmailDue } from './email-due.ts';

/** Rows per multi-row statement: 21 attempt columns × 1,000 stays under SQLite's 32,766 parameters. */
const INSERT_CHUNK = 1000;

export type NextState = { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: number } | { status: 'failed' };

export interface FinishedAttempt extends AttemptFacts {
  next: NextState;
}

export interface CompletionSettings {
  now: number;
  workerId: string;
  autoDisableAfterS: number;
  errorEmailIntervalS: number;
}

export async function completeAttempts(db: Kysely<Schema>, finished: FinishedAttempt[], settings: CompletionSettings): Promise<EmailDue[]> {
  if (finished.length === 0) return [];
  const { now } = settings;
  return db.transaction().execute(async (trx) => {
    for (let i = 0; i < finished.length; i += INSERT_CHUNK) {
      await trx.insertInto('delivery_attempts').values(finished.slice(i, i + INSERT_CHUNK).map(attemptRow)).execute();
    }

    // Successes (nearly every attempt) share their new state: one UPDATE per response status.
    // `attempts + 1` in SQL equals the claimed count + 1 while this worker holds the lease.
    const failedOrRetried: FinishedAttempt[] = [];
    const succeeded = new Map<number | null, string[]>();
    for (const attempt of finished) {
      if (attempt.next.status !== 'succeeded') failedOrRetried.push(attempt);
      else {
        const status = attempt.outcome.response?.status ?? null;
        succeeded.set(status, [...(succeeded.get(status) ?? []), attempt.delivery.id]);
      }
    }
    for (const [status, ids] of succeeded) {
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        await trx
          .updateTable('deliveries')
          .set((eb) => ({
            status: 'succeeded',
            attempts: eb('attempts', '+', 1),
            lease_until: null,
            leased_by: null,
            last_status: status,
            last_error: null,
            updated_at: now,
          }))
          .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
          .where('leased_by', '=', settings.workerId)
          .execute();
      }
    }

    for (const attempt of failedOrRetried) {
      const { outcome, next, delivery } = attempt;
      const response = outcome.response;
      await trx
        .updateTable('deliveries')
        .set({
          status: next.status,
          attempts: delivery.attempts + 1,
          ...(next.status === 'pending' ? { next_attempt_at: next.nextAttemptAt } : {}),
          lease_until: null,
          leased_by: null,
          last_status: response?.status ?? null,
          last_error: outcome.kind === 'failed' ? `${outcome.category}: ${outcome.message}` : null,
          updated_at: now,
        })
        .where('id', '=', delivery.id)
        .where('leased_by', '=', settings.workerId)
        .execute();
    }

    const emails: EmailDue[] = [];
    for (const [webhookId, attempts] of groupByWebhook(finished)) {
      const last = attempts[attempts.length - 1]!;
      const failures = attempts.filter((a) => a.outcome.kind === 'failed');
      if (last.outcome.kind === 'delivered') {
        await trx
          .updateTable('webhooks')
          .set((eb) => ({
            failing_since: null,
            last_success_at: now,
            last_attempt_at: now,
            last_attempt_status: 'succeeded',
            errors_since_email: eb('errors_since_email', '+', failures.length),
          }))
          .where('id', '=', webhookId)
          .execute();
      } else {
        await trx
          .updateTable('webhooks')
          .set((eb) => ({
            failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
            last_attempt_at: now,
            last_attempt_status: last.outcome.kind === 'failed' ? last.outcome.category : 'failed',
            errors_since_email: eb('errors_since_email', '+', failures.length),
          }))
          .where('id', '=', webhookId)
          .execute();
      }
      if (failures.length === 0) continue;

      const gone = failures.find((a) => a.outcome.kind === 'failed' && a.outcome.gone);
      const disabledFor = gone
        ? `the endpoint answered 410 Gone at ${new Date(now).toISOString()}`
        : await autoDisableReason(trx, webhookId, settings);
      if (disabledFor && (await disableWebhook(trx, webhookId, disabledFor, now))) {
        emails.push(...(await claimErrorEmail(trx, webhookId, settings, { force: true, disabledReason: disabledFor })));
        continue;
      }
      emails.push(...(await claimErrorEmail(trx, webhookId, settings, { force: false })));
    }
    return emails;
  });
}

function groupByWebhook(finished: FinishedAttempt[]): Map<string, FinishedAttempt[]> {
  const groups = new Map<string, FinishedAttempt[]>();
  for (const attempt of finished) {
    const list = groups.get(attempt.delivery.webhook_id);
    if (list) list.push(attempt);
    else groups.set(attempt.delivery.webhook_id, [attempt]);
  }
  return groups;
}

/** PRODUCT §4: no successful delivery for `autoDisableAfterS` while failing. */
export async function autoDisableReason(
  db: Kysely<Schema>,
  webhookId: string,
  settings: Pick<CompletionSettings, 'now' | 'autoDisableAfterS'>,
): Promise<string | null> {
  const row = await db.selectFrom('webhooks').select(['failing_since', 'enabled']).where('id', '=', webhookId).executeTakeFirst();
  if (!row || row.enabled !== 1 || row.failing_since === null) return null;
  if (settings.now - row.failing_since < settings.autoDisableAfterS * 1000) return null;
  const days = (settings.autoDisableAfterS / 86_400).toFixed(1).replace(/\.0$/, '');
  return `no successful delivery for ${days} days (${settings.autoDisableAfterS} s) since ${new Date(row.failing_since).toISOString()}`;
}
