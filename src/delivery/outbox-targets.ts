// Which enabled webhooks an account's new activities go to, for the outbox. Reading them costs a
// round trip per write; on PostgreSQL the outbox instead remembers the last answer per account and
// lets the deliveries INSERT check it: the insert adds its rows only if the account's enabled
// webhooks (ids, event filters, handshake keys) are still exactly the remembered ones, compared
// inside the statement. A webhook created, changed, disabled (by anyone, auto-disable included) or
// deleted in any process therefore shows on the next write everywhere: the insert adds nothing, and
// the outbox reads the webhooks and inserts again, in the same transaction. Nothing is remembered
// when the account has no webhook: that answer is always read.
import { CompiledQuery, type Kysely } from 'kysely';
import type { ActivityRows, GuardedLeadInsert, LeadGuard } from '../activities/recorder.ts';
import { columnList, insertStatement, type TableRows } from '../storage/fixed-sql.ts';
import type { Schema, WebhookRow } from '../storage/schema.ts';
import { createNewLeadBatches } from './new-lead-batches.ts';
import { createOnLeadBatches } from './on-lead-batches.ts';
import type { NewDelivery } from './store/rows.ts';
import { enabledWebhooks } from './store/targets.ts';

export type OutboxTarget = Pick<WebhookRow, 'id' | 'events' | 'handshake_key'>;

const CAPACITY = 10_000;

export interface OutboxTargets {
  /** The account's enabled webhooks as last read in this process, or undefined. */
  remembered(accountId: string): { targets: OutboxTarget[]; fingerprint: string } | undefined;
  /** Reads them (in id order) and remembers the answer. */
  read(db: Kysely<Schema>, accountId: string): Promise<OutboxTarget[]>;
  /**
   * Inserts `rows` if the account's enabled webhooks still match `fingerprint`; false (nothing
   * inserted) otherwise. `inserts`, when given, are inserted in the same statement (as WITH parts,
   * whose order among themselves PostgreSQL leaves open: nothing may depend on it), and always.
   */
  insertIfCurrent(db: Kysely<Schema>, accountId: string, fingerprint: string, rows: NewDelivery[], inserts?: readonly TableRows[]): Promise<boolean>;
  /**
   * Inserts the new lead, `activityRows` and `rows` in one statement (possibly with other new leads
   * of the account: new-lead-batches.ts), all of them only if the lead's own guard passes and the
   * account's enabled webhooks still match `fingerprint`; false (nothing inserted) otherwise. Run
   * outside a transaction, the statement is its own.
   */
  insertWithNewLead(db: Kysely<Schema>, accountId: string, fingerprint: string, lead: GuardedLeadInsert, activityRows: ActivityRows, rows: NewDelivery[]): Promise<boolean>;
  /**
   * Takes the lead's next `lead.count` sequence numbers and inserts `inserts` and `rows` in one
   * statement (possibly with changes on other leads of the account: on-lead-batches.ts), all of it
   * only if the lead's number is still `lead.seqBefore` and the account's enabled webhooks still
   * match `fingerprint`; false (nothing written) otherwise. Every row must carry the lead's
   * `lead_id`. Run outside a transaction, the statement is its own.
   */
  insertOnLead(db: Kysely<Schema>, fingerprint: string, lead: LeadGuard, inserts: readonly TableRows[], rows: NewDelivery[]): Promise<boolean>;
}

/**
 * The remembered webhooks as one string, each field prefixed with its length in UTF-8 bytes (a null
 * key is `-`): no two lists give the same string, whatever a handshake key contains. The guarded
 * insert builds the same string from the table (`CURRENT`).
 */
const fingerprintOf = (targets: readonly OutboxTarget[]) => targets.map((t) => field(t.id) + field(t.events) + (t.handshake_key === null ? '-' : field(t.handshake_key))).join('');
const field = (text: string) => `${Buffer.byteLength(text)}:${text}`;
const CURRENT = `string_agg(octet_length(id) || ':' || id || octet_length(events) || ':' || events || coalesce(octet_length(handshake_key) || ':' || handshake_key, '-'), '' order by id collate "C")`;

/** PostgreSQL only: the guarded insert types its rows by the `deliveries` row type (json_populate_recordset). */
export function createOutboxTargets(): OutboxTargets {
  const known = new Map<string, { targets: OutboxTarget[]; fingerprint: string }>();
  const newLeads = createNewLeadBatches(CURRENT);
  const onLead = createOnLeadBatches(CURRENT);
  return {
    remembered: (accountId) => known.get(accountId),
    async read(db, accountId) {
      const targets = await enabledWebhooks(db, accountId);
      targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (known.size >= CAPACITY) known.clear();
      if (targets.length > 0) known.set(accountId, { targets, fingerprint: fingerprintOf(targets) });
      else known.delete(accountId);
      return targets;
    },
    async insertIfCurrent(db, accountId, fingerprint, rows, inserts = []) {
      // A fixed text (as in fixed-sql.ts), not a statement Kysely builds and compiles per write.
      // A data-modifying WITH runs to completion whether or not the main INSERT adds rows.
      const parameters: unknown[] = [];
      const ctes = inserts.flatMap(({ table, rows }, i) => {
        if (rows.length === 0) return [];
        const insert = insertStatement(table, rows, true, parameters.length + 1);
        parameters.push(...insert.parameters);
        return [`inserted_${i} as (${insert.sql})`];
      });
      const next = parameters.length + 1;
      const list = columnList(Object.keys(rows[0] ?? {}));
      // Byte order (collate "C"), the order `read` sorts the remembered ones in.
      const text = `${ctes.length > 0 ? `with ${ctes.join(', ')} ` : ''}insert into deliveries (${list})
        select ${list} from json_populate_recordset(null::deliveries, $${next}::json)
        where (select ${CURRENT} from webhooks where account_id = $${next + 1} and enabled = 1) = $${next + 2}`;
      const result = await db.executeQuery(CompiledQuery.raw(text, [...parameters, JSON.stringify(rows), accountId, fingerprint]));
      return Number(result.numAffectedRows ?? 0) === rows.length;
    },
    insertWithNewLead: async (db, accountId, fingerprint, lead, activityRows, rows) => (await newLeads.submit(db, accountId, fingerprint, { lead, activityRows, rows })) === true,
    insertOnLead(db, fingerprint, lead, inserts, rows) {
      const all = rows.length > 0 ? [...inserts, { table: 'deliveries', rows } as const] : inserts;
      // Each row must name its lead: the statement adds a write's rows by it.
      if (!all.every((i) => i.rows.every((row) => 'lead_id' in row && row.lead_id === lead.leadId))) return Promise.resolve(false);
      return onLead.submit(db, lead.accountId, fingerprint, { lead, inserts: all }).then((added) => added === true);
    },
  };
}
