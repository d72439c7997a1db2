// Claiming due deliveries under a lease, per webhook (docs/DESIGN.md, delivery engine): the worker
// asks for at most `room` deliveries of each webhook (what its local queue can still hold), so it
// never claims what it cannot start soon. Two statements per lane:
//   1. `webhooksWithDueWork`: the webhooks with due work in the lane — a skip-scan of the lane's
//      `(webhook_id, next_attempt_at)` partial index (migration 003), one seek per webhook (both
//      lanes' in one statement, once per round);
//   2. the dialect's claim (sqlite.ts, postgres.ts): one UPDATE … RETURNING of each webhook's oldest
//      due rows; on PostgreSQL `FOR UPDATE SKIP LOCKED` so concurrent workers take disjoint rows.
// Webhooks with `ordering = 'per_lead'` add one condition to their seek (`inLeadOrder`): a delivery
// is taken only when no earlier delivery of its lead to that webhook is still pending — leased or
// not, waiting for a retry or in flight — so a lead's deliveries go one at a time, in `lead_seq`
// order, whatever worker, lease or retry is involved (docs/WEBHOOKS.md, "Order per lead").
// Every claim writes a fresh `lease_token`; outcomes are recorded only where it still matches
// (results.ts), so a worker that lost its lease writes nothing. `now` is a parameter, never SQL
// `now()`, so a manual clock drives the queue.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DeliveryRow, Schema, WebhookOrdering } from '../../storage/schema.ts';

/** First attempts and retries are claimed separately so that new work never waits behind retries. */
export type Lane = 'first' | 'retry';
export const LANES: readonly Lane[] = ['first', 'retry'];

/**
 * Each lane's condition, literal (not bound): SQLite uses a partial index only when the query
 * repeats its WHERE terms. They must equal migration 003's index predicates (a test checks the
 * live schema).
 */
export const LANE_CONDITION: Record<Lane, string> = {
  first: `status = 'pending' and attempts = 0`,
  retry: `status = 'pending' and attempts > 0`,
};
export const laneWhere = (lane: Lane): RawBuilder<unknown> => sql.raw(LANE_CONDITION[lane]);

export type ClaimedDelivery = Pick<
  DeliveryRow,
  'id' | 'account_id' | 'webhook_id' | 'activity_id' | 'type' | 'body' | 'attempts' | 'is_test' | 'lead_seq' | 'lead_prev_seq'
> & { retry_base: number; lease_token: string; lease_until: number };

export const RETURNED = sql.raw(
  'id, account_id, webhook_id, activity_id, type, body, attempts, retry_base, is_test, lease_token, lease_until, lead_seq, lead_prev_seq',
);

/**
 * The pending deliveries that may hold back a later one of their lead; literal for SQLite's
 * partial index, and equal to migration 018's `deliveries_lead_order` predicate (a test checks).
 */
export const LEAD_ORDER_CONDITION = `status = 'pending' and lead_seq is not null`;

/**
 * `and` no earlier delivery of the same lead to the same webhook is pending. `prior` is the FROM
 * of the probe, aliased `prior` (SQLite names the index); `deliveries` is the row being claimed.
 */
export const inLeadOrder = (prior: RawBuilder<unknown>) => sql`and not exists (
  select 1 from ${prior}
  where ${sql.raw(LEAD_ORDER_CONDITION)} and prior.webhook_id = deliveries.webhook_id
    and prior.lead_id = deliveries.lead_id and prior.lead_seq < deliveries.lead_seq)`;

export interface ClaimOptions {
  lane: Lane;
  /** How many deliveries each webhook may take at most (webhooks absent take none). */
  rooms: ReadonlyMap<string, number>;
  /** Webhooks whose deliveries are claimed in lead order (`ordering = 'per_lead'`). */
  ordered: ReadonlySet<string>;
  now: number;
  leaseMs: number;
  workerId: string;
  /** Written to every row this claim takes. */
  leaseToken: string;
}

/** Unleased, or leased by a worker whose lease ran out. */
export const free = (now: number) => sql`(lease_until is null or lease_until <= ${now})`;

export interface DueWebhook {
  id: string;
  ordering: WebhookOrdering;
}

/**
 * Per lane, the webhooks with at least one delivery of the lane due at `now` (leased or not), and
 * how they are ordered; except those their receiver paused until after `now` (docs/WEBHOOKS.md,
 * "Back-pressure"): the claim takes only these webhooks, so no worker claims a paused one. Both
 * lanes in one statement, one round trip per claim round; `from` is the FROM of a lane's seeks.
 */
export async function webhooksWithDueWork(db: Kysely<Schema>, from: (lane: Lane) => RawBuilder<unknown>, now: number): Promise<Record<Lane, DueWebhook[]>> {
  const lanes = LANES.map((lane) => ({ lane, table: from(lane), where: laneWhere(lane), hooks: sql.raw(`${lane}_hooks`) }));
  const walks = lanes.map(({ table, where, hooks }) => sql`${hooks}(id) as (
      select (select webhook_id from ${table} where ${where} order by webhook_id limit 1)
      union all
      select (select webhook_id from ${table} where ${where} and webhook_id > ${hooks}.id order by webhook_id limit 1)
        from ${hooks} where ${hooks}.id is not null
    )`);
  const due = lanes.map(({ lane, table, where, hooks }) => sql`select ${sql.lit(lane)} as lane, ${hooks}.id, webhooks.ordering from ${hooks} left join webhooks on webhooks.id = ${hooks}.id
    where ${hooks}.id is not null
      and (select next_attempt_at from ${table} where ${where} and webhook_id = ${hooks}.id
           order by next_attempt_at limit 1) <= ${now}
      and (webhooks.paused_until is null or webhooks.paused_until <= ${now})`);
  const { rows } = await sql<{ lane: Lane; id: string; ordering: WebhookOrdering | null }>`
    with recursive ${sql.join(walks)}
    ${sql.join(due, sql` union all `)}`.execute(db);
  const byLane = Object.fromEntries(LANES.map((lane) => [lane, [] as DueWebhook[]])) as Record<Lane, DueWebhook[]>;
  for (const row of rows) byLane[row.lane].push({ id: row.id, ordering: row.ordering ?? 'none' });
  return byLane;
}

/** A claimed delivery named by its id and the token of the claim that took it. */
export interface Held {
  id: string;
  token: string;
}

/** `id in (…) and (id, lease_token) in ((…), …)`: the id list keeps the primary-key seek. */
export function heldBy(items: readonly Held[]) {
  return sql<boolean>`id in (${sql.join(items.map((h) => h.id))}) and (id, lease_token) in (${sql.join(
    items.map((h) => sql`(${h.id}, ${h.token})`),
  )})`;
}

/** Held rows per statement: 3 parameters each stays far below both databases' limits. */
const HELD_CHUNK = 1000;

async function eachChunk(items: readonly Held[], update: (chunk: readonly Held[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += HELD_CHUNK) await update(items.slice(i, i + HELD_CHUNK));
}

/** Gives claimed deliveries back (the worker stopped, or a delivery waited too long to start). */
export async function releaseDeliveries(db: Kysely<Schema>, items: readonly Held[]): Promise<void> {
  await eachChunk(items, (chunk) =>
    db.updateTable('deliveries').set({ lease_until: null, leased_by: null, lease_token: null }).where(heldBy(chunk)).execute(),
  );
}

/** Moves the lease end of held deliveries (results waiting for the database to come back). */
export async function extendLeases(db: Kysely<Schema>, items: readonly Held[], until: number): Promise<void> {
  await eachChunk(items, (chunk) => db.updateTable('deliveries').set({ lease_until: until }).where(heldBy(chunk)).execute());
}

/** Deliveries of a webhook disabled (or deleted) after they were claimed: failed, replayable. */
export async function failOrphans(db: Kysely<Schema>, items: readonly Held[], now: number): Promise<void> {
  await eachChunk(items, (chunk) =>
    db
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: 'webhook disabled', lease_until: null, leased_by: null, lease_token: null, updated_at: now })
      .where(heldBy(chunk))
      .execute(),
  );
}

/**
 * When the next unleased pending delivery falls due after `after` (ms), or null when there is none.
 * Leased rows are skipped: they are this worker's (already queued) or another live worker's; so are
 * rows due by `after` (the claim round looked then: they wait for room or a pause end, which signal).
 */
export async function nextDueAt(db: Kysely<Schema>, now: number, after: number): Promise<number | null> {
  // `order by … limit 1` rather than `min()`: it walks the `deliveries_due` index in order and stops
  // at the first unleased row, where `min()` with the lease filter would read every pending row.
  const row = await db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', after)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.next_attempt_at) : null;
}
