// New leads of one account written together (PostgreSQL, the one-statement new lead of
// outbox-targets.ts). A statement, its commit and its round trip cost about as much for one lead as
// for many, and under load that fixed cost was most of the server's work per lead
// (docs/BENCHMARKS.md). So a new lead that finds `IN_FLIGHT` statements of its account (and of the
// same remembered webhooks) already on their way waits, with those that come after it, for the next
// one; with fewer on their way it goes at once. Nothing waits for a timer: batches form only while
// the database is busy, and grow with the load.
// - Each lead is answered only after the statement that wrote it committed, as alone.
// - Each lead is added, with its activities and deliveries, only if its own guards hold (its
//   pipeline and stage, the account's webhooks); the others of its statement do not depend on it.
// - A lead waits for its statement to start no longer than a caller waits for a connection.
// - A statement that fails for a reason other than the database's (storage-errors.ts) is tried again
//   lead by lead, so such an error reaches only the lead that caused it and the rest are written as
//   they would have been alone. The database failing (unreachable, disk full …) fails them all alike.
import type { Kysely } from 'kysely';
import type { ActivityRows, GuardedLeadInsert } from '../activities/recorder.ts';
import { columnList, fixedRead } from '../storage/fixed-sql.ts';
import { PG_CONNECT_TIMEOUT_MS } from '../storage/database.ts';
import type { Schema } from '../storage/schema.ts';
import { classifyStorageError } from '../storage/storage-errors.ts';
import type { NewDelivery } from './store/rows.ts';

/**
 * Statements of one account on their way at once; more leads wait for the next. One gave the most
 * (`bench/api-only.ts worker 6000 postgres leads 1`: 1,242–1,379 leads/s against 827–1,237 with two
 * and 882 with four): fewer, larger statements.
 */
const IN_FLIGHT = 1;
/** Leads in one statement at most, and their deliveries (an account may have 100 webhooks or more). */
const MAX_LEADS = 64;
const MAX_DELIVERIES = 1_000;
/**
 * How long a lead waits for its statement to start, as long as the pool waits for a free
 * connection (PG_CONNECT_TIMEOUT_MS): with the database stalled, the leads behind the statement
 * that hangs are answered 503 as the pool's callers are, instead of waiting with it.
 */
const WAIT_LIMIT_MS = PG_CONNECT_TIMEOUT_MS;

export interface NewLeadWrite {
  lead: GuardedLeadInsert;
  activityRows: ActivityRows;
  rows: NewDelivery[];
}

interface Member extends NewLeadWrite {
  resolve: (added: boolean) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Queue {
  db: Kysely<Schema>;
  accountId: string;
  fingerprint: string;
  /** The shape of its leads' rows (shapeOf), which picks their statement. */
  shape: string;
  waiting: Member[];
  writing: number;
}

/**
 * `currentWebhooks` is the SQL of the account's enabled webhooks as one string, compared with the
 * remembered fingerprint (outbox-targets.ts).
 */
export function createNewLeadBatches(currentWebhooks: string) {
  const queues = new Map<string, Queue>();

  async function write(queue: Queue, members: Member[]): Promise<void> {
    const statement = statementFor(queue.shape, members[0]!, currentWebhooks);
    let added: Set<string>;
    try {
      const rows = await statement(queue.db, [
        JSON.stringify(members.map((m) => m.lead.row), wellFormed),
        JSON.stringify(members.map((m) => m.lead.guard), wellFormed),
        queue.accountId,
        queue.fingerprint,
        JSON.stringify(members.flatMap((m) => m.activityRows)),
        JSON.stringify(members.flatMap((m) => m.rows)),
      ]);
      added = new Set(rows.map((r) => r.id));
    } catch (error) {
      // The database failing fails them all alike; anything else may be one lead's doing.
      if (members.length === 1 || classifyStorageError(error)) for (const member of members) member.reject(error);
      else for (const member of members) await write(queue, [member]);
      return;
    }
    for (const member of members) member.resolve(added.has(member.lead.row.id));
  }

  async function drain(key: string, queue: Queue): Promise<void> {
    queue.writing++;
    try {
      while (queue.waiting.length > 0) {
        const members = queue.waiting.splice(0, batchSize(queue.waiting));
        for (const member of members) clearTimeout(member.timer);
        await write(queue, members);
      }
    } finally {
      queue.writing--;
      if (queue.writing === 0 && queue.waiting.length === 0) queues.delete(key);
    }
  }

  return {
    /**
     * Writes the lead with its activities and deliveries, in a statement of its own or shared with
     * other new leads of the account; resolves true once committed, false when a guard failed and
     * nothing of it was written.
     */
    write(db: Kysely<Schema>, accountId: string, fingerprint: string, lead: NewLeadWrite): Promise<boolean> {
      const shape = shapeOf(lead);
      const key = `${accountId}\u0000${fingerprint}\u0000${shape}`;
      let queue = queues.get(key);
      if (queue === undefined) {
        // One context's outbox, so always the same `db`.
        queue = { db, accountId, fingerprint, shape, waiting: [], writing: 0 };
        queues.set(key, queue);
      }
      const added = new Promise<boolean>((resolve, reject) => {
        const member: Member = { ...lead, resolve, reject };
        member.timer = setTimeout(() => {
          const at = queue.waiting.indexOf(member);
          if (at < 0) return;
          queue.waiting.splice(at, 1);
          // The pool's own words for the same wait, so it is the same 503 (storage-errors.ts).
          reject(new Error('timeout exceeded when trying to connect: a new lead waited for the statement before it'));
        }, WAIT_LIMIT_MS);
        queue.waiting.push(member);
      });
      if (queue.writing < IN_FLIGHT) void drain(key, queue);
      return added;
    },
  };
}

/** How many of the first waiting leads go in the next statement: at least one. */
function batchSize(waiting: readonly Member[]): number {
  let n = 1;
  let deliveries = waiting[0]?.rows.length ?? 0;
  while (n < waiting.length && n < MAX_LEADS && deliveries + waiting[n]!.rows.length <= MAX_DELIVERIES) deliveries += waiting[n++]!.rows.length;
  return n;
}

/** Leads share a statement only when their rows have the same columns, as one constructor builds them. */
const shapeOf = (lead: NewLeadWrite) => `${lead.lead.text}\u0000${Object.keys(lead.activityRows[0] ?? {})}\u0000${Object.keys(lead.rows[0] ?? {})}`;

/**
 * PostgreSQL rejects a JSON string with a lone UTF-16 surrogate, which a parameter bound as text
 * would have stored as U+FFFD; the lead's own fields (a name, say) come as the caller sent them.
 */
const wellFormed = (_key: string, value: unknown) => (typeof value === 'string' ? value.toWellFormed() : value);

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
