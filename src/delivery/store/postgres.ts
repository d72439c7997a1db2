// The PostgreSQL half of the delivery store: the claim as one UPDATE over a lateral join of
// per-webhook seeks with `FOR UPDATE SKIP LOCKED` (concurrent workers take disjoint rows), and
// NOTIFY inside the enqueuing transaction (delivered to every listening worker only if it commits).
import { sql } from 'kysely';
import { NOTIFY_CHANNEL } from '../wakeup.ts';
import { free, laneWhere, RETURNED, type ClaimedDelivery } from './claim.ts';
import type { DialectSql } from './dialect-sql.ts';

export const postgresSql: DialectSql = {
  dialect: 'postgres',
  // PostgreSQL picks the lane's partial index by itself.
  laneTable: () => sql.raw('deliveries'),
  async claim(db, rooms, o) {
    const ids = rooms.map(([id]) => id);
    const limits = rooms.map(([, room]) => room);
    const { rows } = await sql<ClaimedDelivery>`
      update deliveries set lease_until = ${o.now + o.leaseMs}, leased_by = ${o.workerId}, lease_token = ${o.leaseToken}
      where id in (
        select due.id from unnest(${ids}::text[], ${limits}::int[]) as room(webhook_id, n)
        cross join lateral (
          select id from deliveries
          where ${laneWhere(o.lane)} and webhook_id = room.webhook_id and next_attempt_at <= ${o.now} and ${free(o.now)}
          order by next_attempt_at limit room.n
          for update skip locked
        ) due
      )
      returning ${RETURNED}`.execute(db);
    return rows;
  },
  async notify(trx) {
    await sql`select pg_notify(${NOTIFY_CHANNEL}, '')`.execute(trx);
  },
};
