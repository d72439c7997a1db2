// New leads of one account written together (PostgreSQL, the one-statement new lead of
// outbox-targets.ts), in statements shared as account-batches.ts describes: each lead is added,
// with its activities and deliveries, only if its own guards hold (its pipeline and stage, the
// account's webhooks); the others of its statement do not depend on it.
import type { ActivityRows, GuardedLeadInsert } from '../activities/recorder.ts';
import { columnList, fixedRead } from '../storage/fixed-sql.ts';
import { createAccountBatches, wellFormed } from '../storage/account-batches.ts';
import type { NewDelivery } from './store/rows.ts';

export interface NewLeadWrite {
  lead: GuardedLeadInsert;
  activityRows: ActivityRows;
  rows: NewDelivery[];
}

/**
 * `currentWebhooks` is the SQL of the account's enabled webhooks as one string, compared with the
 * remembered fingerprint (outbox-targets.ts).
 */
export function createNewLeadBatches(currentWebhooks: string) {
  return createAccountBatches<NewLeadWrite, true>({
    shapeOf,
    deliveriesOf: (lead) => lead.rows.length,
    idOf: (lead) => lead.lead.row.id,
    async run(db, accountId, fingerprint, leads) {
      const statement = statementFor(shapeOf(leads[0]!), leads[0]!, currentWebhooks);
      const rows = await statement(db, [
        JSON.stringify(leads.map((m) => m.lead.row), wellFormed),
        JSON.stringify(leads.map((m) => m.lead.guard), wellFormed),
        accountId,
        fingerprint,
        JSON.stringify(leads.flatMap((m) => m.activityRows)),
        JSON.stringify(leads.flatMap((m) => m.rows)),
      ]);
      return new Map(rows.map((r) => [r.id, true as const]));
    },
  });
}

/** Leads share a statement only when their rows have the same columns, as one constructor builds them. */
const shapeOf = (lead: NewLeadWrite) => `${lead.lead.text}\u0000${Object.keys(lead.activityRows[0] ?? {})}\u0000${Object.keys(lead.rows[0] ?? {})}`;

type Statement = ReturnType<typeof fixedRead<{ id: string }>>;
const statements = new Map<string, Statement>();

/**
 * The statement for leads shaped like `lead` (`shape`, shapeOf), made once per shape: the leads' guarded INSERT, the
 * account's webhooks compared once for all, and the activities and deliveries of each lead added
 * only if its lead was. Answers the ids of the leads added.
 */
function statementFor(shape: string, lead: NewLeadWrite, currentWebhooks: string): Statement {
  let statement = statements.get(shape);
  if (statement === undefined) {
    const activities = columnList(Object.keys(lead.activityRows[0] ?? {}));
    const deliveries = columnList(Object.keys(lead.rows[0] ?? {}));
    statement = fixedRead<{ id: string }>(`with lead as (${lead.lead.text} and (select ${currentWebhooks} from webhooks where account_id = ? and enabled = 1) = ? returning id),
      recorded as (insert into activities (${activities})
        select ${activities} from json_populate_recordset(null::activities, ?::json) where lead_id in (select id from lead)),
      delivered as (insert into deliveries (${deliveries})
        select ${deliveries} from json_populate_recordset(null::deliveries, ?::json) where lead_id in (select id from lead))
      select id from lead`);
    if (statements.size >= 100) statements.clear();
    statements.set(shape, statement);
  }
  return statement;
}
