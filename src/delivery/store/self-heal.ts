// Self-healing endpoints (docs/WEBHOOKS.md, "Self-healing endpoints"): the probe schedule kept on
// the webhook row (migration 019). An auto-disable of a webhook with `self_heal` starts it
// (`startHealing`, in the disabling transaction); a worker claims a due probe with one conditional
// UPDATE, so on PostgreSQL only one worker probes a webhook at a time; the probe's outcome moves
// the schedule on, ends it, or re-enables the webhook. A user's change to the webhook (enable,
// disable, self_heal off) clears the schedule (webhooks.service.ts), and every statement here is
// conditional on the schedule it read, so a user's decision always wins over a probe in flight.
import { sql, type Kysely, type Transaction } from 'kysely';
import { TEST_EVENT_TYPE } from '../../activities/event-schemas.ts';
import { EXAMPLE_LEAD } from '../../activities/event-types.ts';
import { composeWebhookBody } from '../../activities/payload.ts';
import { isoSeconds } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import type { Schema } from '../../storage/schema.ts';
import { nextProbeAt } from '../heal-schedule.ts';
import type { ClaimedDelivery } from './claim.ts';
import { newDeliveryRow } from './rows.ts';

export interface ProbeClaim {
  webhookId: string;
  accountId: string;
  handshakeKey: string | null;
  createdBy: string;
  startedAt: number;
  probes: number;
}

const NOT_HEALING = { heal_started_at: null, heal_next_probe_at: null, heal_probes: 0, heal_lease_until: null } as const;

/** Starts the probing period of a just auto-disabled webhook, if it opted in. */
export async function startHealing(trx: Transaction<Schema>, webhookId: string, now: number): Promise<void> {
  await trx
    .updateTable('webhooks')
    .set({ heal_started_at: now, heal_next_probe_at: nextProbeAt(now, 0), heal_probes: 0, heal_lease_until: null })
    .where('id', '=', webhookId)
    .where('self_heal', '=', 1)
    .where('enabled', '=', 0)
    .execute();
}

/** Webhooks whose probe is due and not held by a worker. */
export async function dueProbes(db: Kysely<Schema>, now: number, limit = 20): Promise<string[]> {
  const rows = await db
    .selectFrom('webhooks')
    .select('id')
    .where('heal_next_probe_at', '<=', now)
    .where('enabled', '=', 0)
    .where('self_heal', '=', 1)
    .where((eb) => eb.or([eb('heal_lease_until', 'is', null), eb('heal_lease_until', '<=', now)]))
    .orderBy('heal_next_probe_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Takes the due probe of one webhook for `leaseMs`; null when another worker has it or it is no longer due. */
export async function claimProbe(db: Kysely<Schema>, webhookId: string, now: number, leaseMs: number): Promise<ProbeClaim | null> {
  const row = await db
    .updateTable('webhooks')
    .set({ heal_lease_until: now + leaseMs })
    .where('id', '=', webhookId)
    .where('enabled', '=', 0)
    .where('self_heal', '=', 1)
    .where('heal_next_probe_at', '<=', now)
    .where((eb) => eb.or([eb('heal_lease_until', 'is', null), eb('heal_lease_until', '<=', now)]))
    .returning(['id', 'account_id', 'handshake_key', 'created_by', 'heal_started_at', 'heal_probes'])
    .executeTakeFirst();
  if (!row || row.heal_started_at === null) return null;
  return {
    webhookId: row.id,
    accountId: row.account_id,
    handshakeKey: row.handshake_key,
    createdBy: row.created_by,
    startedAt: Number(row.heal_started_at),
    probes: row.heal_probes,
  };
}

/**
 * A probe without a 2xx: schedules the next one, or ends the period (the webhook stays disabled,
 * its reason says so). `ended` carries the new reason only to the one caller whose conditional
 * UPDATE ended this schedule, so the "stopped probing" email goes out once; a user's action in
 * between (or another worker) leaves it undefined.
 */
export async function probeFailed(db: Kysely<Schema>, claim: ProbeClaim, now: number): Promise<{ ended?: { disabledReason: string | null } }> {
  const probes = claim.probes + 1;
  const next = nextProbeAt(claim.startedAt, probes);
  const query = db.updateTable('webhooks').where('id', '=', claim.webhookId).where('enabled', '=', 0).where('heal_started_at', '=', claim.startedAt);
  if (next !== null) {
    await query.set({ heal_probes: probes, heal_next_probe_at: next, heal_lease_until: null, updated_at: now }).execute();
    return {};
  }
  const suffix = `; self-heal: ${probes} probes over ${Math.round((now - claim.startedAt) / 3_600_000)} h without a 2xx, stays disabled`;
  const row = await query
    .set({ ...NOT_HEALING, heal_probes: probes, disabled_reason: sql<string>`coalesce(disabled_reason, '') || ${suffix}`, updated_at: now })
    .returning('disabled_reason')
    .executeTakeFirst();
  return row ? { ended: { disabledReason: row.disabled_reason } } : {};
}

/**
 * A probe answered 2xx: re-enables the webhook as a user's re-enable does (a fresh healthy period).
 * Returns when its failures began (what to recover from), or null when a user acted meanwhile.
 */
export async function probeSucceeded(db: Kysely<Schema>, claim: ProbeClaim, now: number): Promise<{ failingSince: number | null } | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhooks').select('failing_since').where('id', '=', claim.webhookId).executeTakeFirst();
    const result = await trx
      .updateTable('webhooks')
      .set({ ...NOT_HEALING, enabled: 1, disabled_reason: null, failing_since: null, errors_since_email: 0, updated_at: now })
      .where('id', '=', claim.webhookId)
      .where('enabled', '=', 0)
      .where('heal_started_at', '=', claim.startedAt)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0 || !row) return null;
    return { failingSince: row.failing_since === null ? null : Number(row.failing_since) };
  });
}

/** Gives a probe back without counting it (the worker stopped before it had an answer). */
export async function releaseProbe(db: Kysely<Schema>, claim: ProbeClaim): Promise<void> {
  await db.updateTable('webhooks').set({ heal_lease_until: null }).where('id', '=', claim.webhookId).where('heal_started_at', '=', claim.startedAt).execute();
}

/** The creator's address, for the "re-enabled" and "stopped probing" emails. */
export async function creatorEmail(db: Kysely<Schema>, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  return row?.email ?? null;
}

/**
 * The probe as a `webhook:test` delivery, inserted already held by the probing worker (so no claim
 * takes it), and logged like any delivery with its attempt (docs/WEBHOOKS.md).
 */
export async function insertProbeDelivery(
  db: Kysely<Schema>,
  claim: ProbeClaim,
  lease: { workerId: string; token: string; until: number },
  now: Date,
): Promise<ClaimedDelivery> {
  const user = await db.selectFrom('users').select(['id', 'name', 'photo_url']).where('id', '=', claim.createdBy).executeTakeFirst();
  const activityId = newId(now);
  const activity = {
    _id: activityId,
    created_at: isoSeconds(now),
    test: true,
    message: `A self-heal probe from leadhook (probe ${claim.probes + 1}): a 2xx answer re-enables this webhook. It does not describe a real change.`,
    type: TEST_EVENT_TYPE,
    user: { _id: user?.id ?? claim.createdBy, name: user?.name ?? '', photo_url: user?.photo_url ?? null },
  };
  const body = composeWebhookBody(JSON.stringify(activity), JSON.stringify(EXAMPLE_LEAD), claim.handshakeKey);
  const row = {
    ...newDeliveryRow({ account_id: claim.accountId, webhook_id: claim.webhookId, activity_id: activityId, type: TEST_EVENT_TYPE, body, is_test: 1 }, now),
    lease_until: lease.until,
    leased_by: lease.workerId,
    lease_token: lease.token,
  };
  await db.insertInto('deliveries').values(row).execute();
  return { ...row, retry_base: 0, lease_token: lease.token, lease_until: lease.until };
}
