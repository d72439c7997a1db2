// The SQLite half of the delivery store: the claim as one UPDATE over a UNION ALL of per-webhook
// index seeks (each arm names the lane's partial index), results and webhook health in one
// transaction, and no cross-process notification (one process runs the SQLite worker; it is woken
// in-process).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { free, inLeadOrder, laneWhere, RETURNED, type ClaimedDelivery, type ClaimOptions, type Lane } from './claim.ts';
import { EXPIRED_COLUMNS, type DialectSql, type ExpiredDelivery } from './dialect-sql.ts';
import { writeResultsSqlite } from './sqlite-results.ts';
import { recordWebhookHealthIn } from './webhook-health.ts';

/** SQLite allows at most 500 terms in a compound SELECT. */
const ARMS_PER_STATEMENT = 400;

/**
 * The lane's index (migration 003), named: without statistics SQLite's planner prefers the
 * `status = 'pending'` equality of `deliveries_due` and reads every pending row (170 ms at 50,000).
 */
const laneTable = (lane: Lane): RawBuilder<unknown> => sql.raw(`deliveries indexed by deliveries_${lane}_due`);

/** The lead-order probe's index (migration 018), named for the same reason. */
const leadOrder = inLeadOrder(sql.raw('deliveries as prior indexed by deliveries_lead_order'));

async function claimSome(db: Kysely<Schema>, rooms: Array<[string, number]>, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  const arms = rooms.map(
    ([webhookId, room]) => sql`select id from (
      select id from ${laneTable(o.lane)}
      where ${laneWhere(o.lane)} and webhook_id = ${webhookId} and next_attempt_at <= ${o.now} and ${free(o.now)}
      ${o.ordered.has(webhookId) ? leadOrder : sql``}
      order by next_attempt_at limit ${room})`,
  );
  const { rows } = await sql<ClaimedDelivery>`
    update deliveries set lease_until = ${o.now + o.leaseMs}, leased_by = ${o.workerId}, lease_token = ${o.leaseToken}
    where id in (${sql.join(arms, sql` union all `)}) and ${free(o.now)}
    returning ${RETURNED}`.execute(db);
  return rows;
}

/** EXPIRED_COLUMNS of the deliveries in a join with webhooks, whose column names they share. */
const EXPIRED_OF_D = sql.raw(EXPIRED_COLUMNS.split(', ').map((column) => `d.${column}`).join(', '));

export const sqliteSql: DialectSql = {
  dialect: 'sqlite',
  laneTable,
  async claim(db, rooms, options) {
    const claimed: ClaimedDelivery[] = [];
    for (let i = 0; i < rooms.length; i += ARMS_PER_STATEMENT) {
      claimed.push(...(await claimSome(db, rooms.slice(i, i + ARMS_PER_STATEMENT), options)));
    }
    return claimed;
  },
  async announce() {},
  // CROSS JOIN is SQLite's way of fixing the join order: webhooks outside, each webhook's index
  // range inside. With a plain join the planner scanned every delivery and looked its webhook up.
  expired: (cutoff, limit) => sql<ExpiredDelivery>`
    select ${EXPIRED_OF_D}
    from webhooks w cross join deliveries d on d.webhook_id = w.id
    where d.created_at < ${cutoff} and d.status <> 'pending'
    limit ${limit}`,
  // One writer at a time holds the whole database, so the webhook rows cannot deadlock with the
  // results here (the reason PostgreSQL writes them apart), and a COMMIT — what a batch costs most
  // — is saved.
  async recordResults(db, finished, health) {
    if (finished.length === 0) return { recorded: [], emails: [] };
    return db.transaction().execute(async (trx) => {
      const recorded = await writeResultsSqlite(trx, finished, health.now);
      const emails = recorded.length === 0 ? [] : await recordWebhookHealthIn(trx, recorded, health);
      return { recorded, emails };
    });
  },
};
