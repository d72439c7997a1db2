// Changes on existing leads of one account written together (PostgreSQL, the one-statement change of
// ActivityRecorder.transactionAtOnce: a new note, say), in statements shared as account-batches.ts
// describes. Each change takes its lead's next sequence numbers only if they are still those it
// read, and its rows (each with its `lead_id`) go in only if it did; two changes on one lead never
// share a statement.
import type { LeadGuard } from '../activities/recorder.ts';
import { columnList, fixedRead, type TableRows } from '../storage/fixed-sql.ts';
import { createAccountBatches, wellFormed } from '../storage/account-batches.ts';

export interface OnLeadWrite {
  lead: LeadGuard;
  /** The change's rows, its activities' and their deliveries', every row with the lead's `lead_id`. */
  inserts: readonly TableRows[];
}

/**
 * `currentWebhooks` is the SQL of the account's enabled webhooks as one string, compared with the
 * remembered fingerprint (outbox-targets.ts).
 */
export function createOnLeadBatches(currentWebhooks: string) {
  return createAccountBatches<OnLeadWrite, true>({
    shapeOf,
    deliveriesOf: (write) => write.inserts.find((i) => i.table === 'deliveries')?.rows.length ?? 0,
    leadOf: (write) => write.lead.leadId,
    idOf: (write) => write.lead.leadId,
    async run(db, accountId, fingerprint, writes) {
      const first = writes[0]!;
      const guards = writes.map((w) => ({ lead_id: w.lead.leadId, seq_before: w.lead.seqBefore, count: w.lead.count }));
      const tables = first.inserts.map(({ table }, i) => JSON.stringify(writes.flatMap((w): readonly object[] => w.inserts[i]!.rows), BUILT_AS_JSON.has(table) ? undefined : wellFormed));
      const rows = await statementFor(shapeOf(first), first, currentWebhooks)(db, [JSON.stringify(guards), accountId, accountId, fingerprint, ...tables]);
      return new Map(rows.map((r) => [r.id, true as const]));
    },
  });
}

/**
 * Tables whose rows hold no text as the caller sent it, only ids, types and JSON that JSON.stringify
 * made (which escapes a lone surrogate): they skip the `wellFormed` pass, a replacer that made
 * JSON.stringify visit every value of five delivery bodies per note.
 */
const BUILT_AS_JSON = new Set(['activities', 'deliveries']);

/** Writes share a statement only when they insert into the same tables with the same columns. */
const shapeOf = (write: OnLeadWrite) => write.inserts.map((i) => `${i.table}(${Object.keys(i.rows[0] ?? {})})`).join(' ');

type Statement = ReturnType<typeof fixedRead<{ id: string }>>;
const statements = new Map<string, Statement>();

/**
 * The statement for writes shaped like `write`, made once per shape: the leads' guarded sequence
 * UPDATE (the account's webhooks compared once for all), and each table's rows added only for the
 * leads it updated. Answers the ids of those leads.
 */
function statementFor(shape: string, write: OnLeadWrite, currentWebhooks: string): Statement {
  let statement = statements.get(shape);
  if (statement === undefined) {
    const parts = write.inserts.map(({ table, rows }, i) => {
      const list = columnList(Object.keys(rows[0] ?? {}));
      return `inserted_${i} as (insert into ${table} (${list})
        select ${list} from json_populate_recordset(null::${table}, ?::json) where lead_id in (select id from lead))`;
    });
    statement = fixedRead<{ id: string }>(`with guard as (select * from json_to_recordset(?::json) as g(lead_id text, seq_before bigint, count integer)),
      lead as (update leads set activity_seq = leads.activity_seq + guard.count from guard
        where leads.id = guard.lead_id and leads.account_id = ? and leads.activity_seq = guard.seq_before
        and (select ${currentWebhooks} from webhooks where account_id = ? and enabled = 1) = ? returning leads.id),
      ${parts.join(',\n      ')}
      select id from lead`);
    if (statements.size >= 100) statements.clear();
    statements.set(shape, statement);
  }
  return statement;
}
