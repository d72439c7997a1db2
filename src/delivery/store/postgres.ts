// The PostgreSQL half of the delivery store: the claim as one UPDATE over a lateral join of
// per-webhook seeks with `FOR UPDATE SKIP LOCKED` (concurrent workers take disjoint rows), and
// the NOTIFY sent after the enqueuing transaction committed (wakeup.ts, Announcer). Results are one
// statement per batch (postgres-results.ts); webhook health follows in its own transaction, so a
// results write never holds the hot `webhooks` rows (webhook-health.ts).
import { sql, type RawBuilder } from 'kysely';
import { NOTIFY_CHANNEL } from '../wakeup.ts';
import { free, inLeadOrder, laneWhere, RETURNED, type ClaimedDelivery, type ClaimOptions } from './claim.ts';
import { EXPIRED_COLUMNS, type DialectSql, type ExpiredDelivery } from './dialect-sql.ts';
import { writeResultsInOneStatement } from './postgres-results.ts';

const leadOrder = inLeadOrder(sql.raw('deliveries as prior'));

/** Up to each webhook's room of its oldest due rows; ordered webhooks' rows only when first of their lead. */
function pick(rooms: Array<[string, number]>, o: ClaimOptions, ordered: boolean): RawBuilder<unknown> {
  const ids = rooms.map(([id]) => id);
  const limits = rooms.map(([, room]) => room);
  return sql`
    select due.id from unnest(${ids}::text[], ${limits}::int[]) as room(webhook_id, n)
    cross join lateral (
      select id from deliveries
      where ${laneWhere(o.lane)} and webhook_id = room.webhook_id and next_attempt_at <= ${o.now} and ${free(o.now)}
      ${ordered ? leadOrder : sql``}
      order by next_attempt_at limit room.n
      for update skip locked
    ) due`;
}

export const postgresSql: DialectSql = {
  dialect: 'postgres',
  // PostgreSQL picks the lane's partial index by itself.
  laneTable: () => sql.raw('deliveries'),
  async claim(db, rooms, o) {
    // Unordered webhooks keep the plain seek; ordered ones get the lead-order probe.
    const plain = rooms.filter(([id]) => !o.ordered.has(id));
    const inOrder = rooms.filter(([id]) => o.ordered.has(id));
    const picks = [...(plain.length > 0 ? [pick(plain, o, false)] : []), ...(inOrder.length > 0 ? [pick(inOrder, o, true)] : [])];
    const { rows } = await sql<ClaimedDelivery>`
      update deliveries set lease_until = ${o.now + o.leaseMs}, leased_by = ${o.workerId}, lease_token = ${o.leaseToken}
      where id in (${sql.join(picks, sql` union all `)})
      returning ${RETURNED}`.execute(db);
    return rows;
  },
  expired: (cutoff, limit) => sql<ExpiredDelivery>`
    select d.* from webhooks w cross join lateral (
      select ${sql.raw(EXPIRED_COLUMNS)} from deliveries
      where webhook_id = w.id and created_at < ${cutoff} and status <> 'pending'
      order by created_at limit ${limit}
    ) d
    limit ${limit}`,
  async announce(db) {
    await sql`select pg_notify(${NOTIFY_CHANNEL}, '')`.execute(db);
  },
  async recordResults(db, finished, health) {
    return { recorded: await writeResultsInOneStatement(db, finished, health.now), emails: null };
  },
};
