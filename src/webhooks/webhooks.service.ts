// Webhook use cases: create, change, delete, rotate the secret, send a test. Admin-only checks
// live in the routes; these functions take the database, or the transaction when they also change
// deliveries (through the delivery store, src/delivery/store/).
import type { Kysely, Transaction } from 'kysely';
import type { ActivityType } from '../activities/catalogue.ts';
import { EXAMPLE_LEAD, exampleActivity } from '../activities/event-types.ts';
import type { Actor } from '../activities/recorder.ts';
import { composeWebhookBody } from '../activities/payload.ts';
import { isoSeconds } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { Schema, WebhookOrdering, WebhookRow } from '../storage/schema.ts';
import { ALL_EVENTS } from '../delivery/event-filter.ts';
import { deleteDeliveriesOfWebhook, insertDeliveries, newDeliveryRow, type NewDelivery } from '../delivery/store/rows.ts';
import { disableWebhook } from '../delivery/store/webhook-health.ts';
import { ROTATION_OVERLAP_MS, newSigningSecret } from './secrets.ts';
import { getWebhook } from './webhooks.repository.ts';
import { AppError } from '../shared/errors.ts';

export interface WebhookInput {
  url: string;
  handshake_key?: string | null | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  retry_schedule?: number[] | null | undefined;
  /** Probe the endpoint after an auto-disable and re-enable it on a 2xx (docs/WEBHOOKS.md, "Self-healing endpoints"). */
  self_heal?: boolean | undefined;
  send_traceparent?: boolean | undefined;
  /** Requests started per second at most, all workers together (docs/WEBHOOKS.md, "Back-pressure"); null: unlimited. */
  max_rate_per_second?: number | null | undefined;
  /** Default 'none' (docs/WEBHOOKS.md, "Order per lead"). */
  ordering?: WebhookOrdering | undefined;
}

/**
 * Creates a webhook unless the account already has `maxPerAccount` (409, nothing created). The
 * account row is written first, so concurrent creations for one account queue behind each other
 * and cannot together pass the limit.
 */
export async function createWebhook(
  db: Kysely<Schema>,
  actor: Actor,
  input: WebhookInput,
  now: Date,
  maxPerAccount: number,
): Promise<{ id: string; secret: string }> {
  const secret = newSigningSecret();
  const at = now.getTime();
  const enabled = input.enabled ?? true;
  const row: WebhookRow = {
    id: newId(now),
    account_id: actor.accountId,
    url: input.url,
    handshake_key: input.handshake_key || null,
    events: JSON.stringify(normaliseEvents(input.events)),
    description: input.description ?? null,
    enabled: enabled ? 1 : 0,
    disabled_reason: enabled ? null : 'disabled by a user',
    secret,
    previous_secret: null,
    previous_secret_expires_at: null,
    retry_schedule: input.retry_schedule ? JSON.stringify(input.retry_schedule) : null,
    ordering: input.ordering ?? 'none',
    created_by: actor.user._id,
    created_at: at,
    updated_at: at,
    failing_since: null,
    last_success_at: null,
    last_attempt_at: null,
    last_attempt_status: null,
    last_error_email_at: null,
    errors_since_email: 0,
    self_heal: input.self_heal ? 1 : 0,
    ...NOT_HEALING,
    send_traceparent: input.send_traceparent ? 1 : 0,
    paused_until: null,
    max_rate_per_second: input.max_rate_per_second ?? null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set((eb) => ({ name: eb.ref('name') })).where('id', '=', actor.accountId).execute();
    const { count } = await trx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('account_id', '=', actor.accountId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= maxPerAccount) {
      throw new AppError('conflict', `This account already has ${maxPerAccount} webhooks, the most it may have (LEADHOOK_MAX_WEBHOOKS_PER_ACCOUNT); delete one first`, {
        limit: 'webhooks_per_account',
        max: maxPerAccount,
      });
    }
    await trx.insertInto('webhooks').values(row).execute();
  });
  return { id: row.id, secret };
}

const NOT_HEALING = { heal_started_at: null, heal_next_probe_at: null, heal_probes: 0, heal_lease_until: null } as const;

/** `["*"]` wins over a list; duplicates go. */
function normaliseEvents(events: string[] | undefined): string[] {
  if (!events || events.length === 0 || events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return [...new Set(events)];
}

export async function updateWebhook(
  db: Transaction<Schema>,
  accountId: string,
  id: string,
  input: { [K in keyof WebhookInput]?: WebhookInput[K] | undefined },
  now: Date,
): Promise<void> {
  const current = await getWebhook(db, accountId, id);
  const at = now.getTime();
  const set: Partial<WebhookRow> = { updated_at: at };
  if (input.url !== undefined) set.url = input.url;
  if (input.handshake_key !== undefined) set.handshake_key = input.handshake_key || null;
  if (input.events !== undefined) set.events = JSON.stringify(normaliseEvents(input.events));
  if (input.description !== undefined) set.description = input.description;
  if (input.retry_schedule !== undefined) set.retry_schedule = input.retry_schedule ? JSON.stringify(input.retry_schedule) : null;
  if (input.self_heal !== undefined) set.self_heal = input.self_heal ? 1 : 0;
  // A user's choice ends any probing: turning self-heal off, enabling or disabling by hand.
  if (input.self_heal === false || input.enabled !== undefined) Object.assign(set, NOT_HEALING);
  if (input.send_traceparent !== undefined) set.send_traceparent = input.send_traceparent ? 1 : 0;
  if (input.max_rate_per_second !== undefined) set.max_rate_per_second = input.max_rate_per_second;
  // A pause was the old receiver's answer; a new URL is another receiver.
  if (input.url !== undefined && input.url !== current.url) set.paused_until = null;
  if (input.ordering !== undefined) set.ordering = input.ordering;
  if (input.enabled === true && current.enabled === 0) {
    // Re-enabling starts a healthy period; replay what was missed with replay-missing and recover.
    Object.assign(set, { enabled: 1, disabled_reason: null, failing_since: null, errors_since_email: 0 });
  }
  await db.updateTable('webhooks').set(set).where('id', '=', id).where('account_id', '=', accountId).execute();
  if (input.enabled === false && current.enabled === 1) await disableWebhook(db, id, 'disabled by a user', at);
}

export async function deleteWebhook(db: Transaction<Schema>, accountId: string, id: string): Promise<void> {
  await getWebhook(db, accountId, id);
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
  await deleteDeliveriesOfWebhook(db, id);
}

/** A new secret; the old one keeps signing for 24 h so receivers can switch without a gap. */
export async function rotateSecret(db: Kysely<Schema>, accountId: string, id: string, now: Date): Promise<string> {
  const current = await getWebhook(db, accountId, id);
  const secret = newSigningSecret();
  await db
    .updateTable('webhooks')
    .set({
      secret,
      previous_secret: current.secret,
      previous_secret_expires_at: now.getTime() + ROTATION_OVERLAP_MS,
      updated_at: now.getTime(),
    })
    .where('id', '=', id)
    .execute();
  return secret;
}

export const TEST_EVENT_TYPE = 'webhook:test';

/**
 * A test delivery, marked `"test": true` in the delivery log (docs/WEBHOOKS.md). Without a type it
 * is `webhook:test` with `"test": true` in the activity; with one of the 33 types it is that type's
 * example from the catalogue, in exactly the shape (and schema) of a real one, about the sample
 * lead `EXAMPLE_LEAD` (no lead of the account), sent whatever the webhook's event filter.
 */
export async function createTestDelivery(
  db: Transaction<Schema>,
  actor: Actor,
  webhookId: string,
  now: Date,
  type?: ActivityType,
): Promise<NewDelivery> {
  const webhook = await getWebhook(db, actor.accountId, webhookId);
  if (webhook.enabled !== 1) throw new AppError('conflict', 'The webhook is disabled; enable it to send a test');
  const activityId = newId(now);
  const user = { _id: actor.user._id, name: actor.user.name, photo_url: actor.user.photo_url };
  const activity = type
    ? exampleActivity(type, activityId, now, user)
    : {
        _id: activityId,
        created_at: isoSeconds(now),
        test: true,
        message: 'This is a test request from leadhook; it does not describe a real change.',
        type: TEST_EVENT_TYPE,
        user,
      };
  const body = composeWebhookBody(JSON.stringify(activity), JSON.stringify(EXAMPLE_LEAD), webhook.handshake_key);
  const row = newDeliveryRow(
    { account_id: actor.accountId, webhook_id: webhookId, activity_id: activityId, type: type ?? TEST_EVENT_TYPE, body, is_test: 1 },
    now,
  );
  await insertDeliveries(db, [row]);
  return row;
}
