// Claiming due deliveries under a lease (PRODUCT §6), per webhook: the worker asks for at most
// `room` deliveries of each webhook (what its local queue can still hold), so it never claims what
// it cannot start soon and never has to give rows back. Two statements per lane:
//   1. `webhooksWithDueWork`: the webhooks that have due work in the lane — a skip-scan of the
//      lane's `(webhook_id, next_attempt_at)` partial index (migration 003), one seek per webhook;
//   2. `claimDueDeliveries`: one UPDATE … RETURNING of each webhook's oldest due rows, each webhook
//      an index seek; on PostgreSQL `FOR UPDATE SKIP LOCKED` so concurrent workers take disjoint rows.
// Neither walks the rows of other (saturated) webhooks, so the cost does not grow with the backlog.
// A delivery whose lease ran out (its worker crashed) is due again. `now` is a parameter, never SQL
// `now()`, so a manual clock drives the queue (STYLE §4).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../storage/database.ts';
import type { DeliveryRow, Schema } from '../storage/schema.ts';

/** First attempts and retries are claimed separately so that new work never waits behind retries. */
export type Lane = 'first' | 'retry';

export type ClaimedDelivery = Pick<
  DeliveryRow,
  'id' | 'account_id' | 'webhook_id' | 'activity_id' | 'type' | 'body' | 'attempts' | 'is_test'
> & { retry_base: number };

/** Literal, not bound: SQLite uses a partial index only when the query repeats its WHERE terms. */
const LANE: Record<Lane, RawBuilder<unknown>> = {
  first: sql.raw(`status = 'pending' and attempts = 0`),
  retry: sql.raw(`status = 'pending' and attempts > 0`),
};

/**
 * The lane's index (migration 003), named for SQLite: without statistics its planner prefers the
 * `status = 'pending'` equality of `deliveries_due` and reads every pending row (170 ms at 50,000).
 * PostgreSQL picks the partial index by itself.
 */
function laneTable(dialect: Dialect, lane: Lane): RawBuilder<unknown> {
  return sql.raw(dialect === 'sqlite' ? `deliveries indexed by deliveries_${lane}_due` : 'deliveries');
}

/** The webhooks with at least one delivery of the lane due at `now` (leased or not). */
export async function webhooksWithDueWork(db: Kysely<Schema>, dialect: Dialect, lane: Lane, now: number): Promise<string[]> {
  const where = LANE[lane];
  const from = laneTable(dialect, lane);
  const { rows } = await sql<{ id: string }>`
    with recursive hooks(id) as (
      select (select webhook_id from ${from} where ${where} order by webhook_id limit 1)
      union all
      select (select webhook_id from ${from} where ${where} and webhook_id > hooks.id order by webhook_id limit 1)
        from hooks where hooks.id is not null
    )
    select id from hooks
    where id is not null
      and (select next_attempt_at from ${from} where ${where} and webhook_id = hooks.id
           order by next_attempt_at limit 1) <= ${now}`.execute(db);
  return rows.map((row) => row.id);
}

export interface ClaimOptions {
  lane: Lane;
  /** How many deliveries each webhook may take at most (webhooks absent take none). */
  rooms: ReadonlyMap<string, number>;
  now: number;
  leaseMs: number;
  workerId: string;
}

const RETURNED = sql.raw('id, account_id, webhook_id, activity_id, type, body, attempts, retry_base, is_test');
/** SQLite allows at most 500 terms in a compound SELECT. */
const ARMS_PER_STATEMENT = 400;

export async function claimDueDeliveries(db: Kysely<Schema>, dialect: Dialect, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const rooms = [...options.rooms].filter(([, room]) => room > 0);
  if (rooms.length === 0) return [];
  if (dialect === 'postgres') return claimPostgres(db, rooms, options);
  const claimed: ClaimedDelivery[] = [];
  for (let i = 0; i < rooms.length; i += ARMS_PER_STATEMENT) {
    claimed.push(...(await claimSqlite(db, rooms.slice(i, i + ARMS_PER_STATEMENT), options)));
  }
  return claimed;
}

/** Unleased, or leased by a worker whose lease ran out. */
const free = (now: number) => sql`(lease_until is null or lease_until <= ${now})`;

async function claimSqlite(db: Kysely<Schema>, rooms: Array<[string, number]>, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  const arms = rooms.map(
    ([webhookId, room]) => sql`select id from (
      select id from ${laneTable('sqlite', o.lane)}
      where ${LANE[o.lane]} and webhook_id = ${webhookId} and next_attempt_at <= ${o.now} and ${free(o.now)}
      order by next_attempt_at limit ${room})`,
  );
  const { rows } = await sql<ClaimedDelivery>`
    update deliveries set lease_until = ${o.now + o.leaseMs}, leased_by = ${o.workerId}
    where id in (${sql.join(arms, sql` union all `)}) and ${free(o.now)}
    returning ${RETURNED}`.execute(db);
  return rows;
}

async function claimPostgres(db: Kysely<Schema>, rooms: Array<[string, number]>, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  const ids = rooms.map(([id]) => id);
  const limits = rooms.map(([, room]) => room);
  const { rows } = await sql<ClaimedDelivery>`
    update deliveries set lease_until = ${o.now + o.leaseMs}, leased_by = ${o.workerId}
    where id in (
      select due.id from unnest(${ids}::text[], ${limits}::int[]) as room(webhook_id, n)
      cross join lateral (
        select id from deliveries
        where ${LANE[o.lane]} and webhook_id = room.webhook_id and next_attempt_at <= ${o.now} and ${free(o.now)}
        order by next_attempt_at limit room.n
        for update skip locked
      ) due
    )
    returning ${RETURNED}`.execute(db);
  return rows;
}

/** Gives claimed deliveries back (the worker stopped, or a delivery waited too long to start). */
export async function releaseDeliveries(db: Kysely<Schema>, ids: string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ lease_until: null, leased_by: null })
    .where('id', 'in', ids)
    .where('leased_by', '=', workerId)
    .execute();
}

/**
 * When the next unleased pending delivery falls due (ms), or null when there is none. Leased rows
 * are skipped: they are this worker's (already queued) or another live worker's.
 */
export async function nextDueAt(db: Kysely<Schema>, now: number): Promise<number | null> {
  // `order by … limit 1` rather than `min()`: it walks the `deliveries_due` index in order and stops
  // at the first unleased row, where `min()` with the lease filter would read every pending row.
  const row = await db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.next_attempt_at) : null;
}
