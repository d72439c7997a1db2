// Records activities inside the transaction of the change that caused them, and hands them to the
// outbox in that same transaction (docs/SPEC.md §4: nothing is lost). A change's services run in
// `recorder.transaction(…)` and call `tx.record(…)`; the recorder orders several changes of one
// call as docs/SPEC.md §2's table does, and numbers each activity within its lead (the lead
// sequence of docs/WEBHOOKS.md).
import type { ExpressionBuilder, Kysely, KyselyPlugin } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { fixedRead, insertEach, type Rows, type TableRows } from '../storage/fixed-sql.ts';
import { PG_CONNECT_TIMEOUT_MS } from '../storage/database.ts';
import type { Schema } from '../storage/schema.ts';
import { waitedAsForConnection } from '../storage/storage-errors.ts';
import { catalogueOrder, type ActivityChange, type ActivityType } from './catalogue.ts';
import { LeadReads } from './lead-reads.ts';
import { SNAPSHOT_COLUMNS, snapshotOf, type SnapshotRow } from './lead-snapshot.ts';
import { buildActivityObject, type ActivityUser, type LeadSnapshot } from './payload.ts';

export interface RecordedActivity {
  id: string;
  accountId: string;
  leadId: string;
  type: ActivityType;
  /** The activity's number within its lead: 1, 2, 3, … in commit order. */
  leadSeq: number;
  createdAt: number;
  activityJson: string;
  leadJson: string;
}

/** Where recorded activities go, in the same transaction: the delivery outbox. */
export interface OutboxWriter {
  /** Writes deliveries for the activities; returns how many it wrote. */
  enqueue(db: Kysely<Schema>, activities: RecordedActivity[], now: Date): Promise<number>;
  /**
   * Optional, instead of `enqueue` after the activities were inserted: inserts `inserts` (rows the
   * change left to insert with its activities, then the activities' rows) itself, in the same
   * statement as their deliveries where it can (round trips fewer on PostgreSQL); returns how many
   * deliveries it wrote.
   */
  enqueueWithInsert?(db: Kysely<Schema>, inserts: TableRows[], activities: RecordedActivity[], now: Date): Promise<number>;
  /**
   * Optional: writes a new lead (`lead`, whose guard may add nothing), its activities and their
   * deliveries in one statement, outside any transaction, all or nothing. Returns how many
   * deliveries it wrote, or undefined when it wrote nothing (it cannot here, or a guard failed).
   */
  insertWithNewLead?(db: Kysely<Schema>, lead: GuardedLeadInsert, activityRows: ActivityRows, activities: RecordedActivity[], now: Date): Promise<number | undefined>;
  /**
   * Optional: writes `inserts` (a change's rows, then its activities' rows) and the activities'
   * deliveries in one statement, outside any transaction, taking the lead's sequence numbers only
   * if they are still those `lead` read: all or nothing. Returns how many deliveries it wrote, or
   * undefined when it wrote nothing (it cannot here, or the lead or the webhooks changed).
   */
  insertOnLead?(db: Kysely<Schema>, lead: LeadGuard, inserts: TableRows[], activities: RecordedActivity[], now: Date): Promise<number | undefined>;
  /** With insertOnLead: whether it can write the account's activities now (its webhooks are remembered). */
  writesAtOnce?(accountId: string): boolean;
  /** Called after the transaction committed, when `enqueue` wrote deliveries. */
  committed(count: number): void;
}

/** The rows of recorded activities, not yet inserted. */
export type ActivityRows = Rows<'activities'>;

/** A new lead to add only while what it was built from is current (src/crm/new-lead-pipelines.ts). */
export interface GuardedLeadInsert {
  /**
   * The INSERT of any number of such leads with two `?` placeholders, the JSON arrays of their
   * `row`s and of their `guard`s in the same order; more conditions may follow with `and`, over the
   * columns of `"new_lead"` (those of `leads`).
   */
  text: string;
  /** The `leads` row (with its `id`), as JSON. */
  row: { readonly id: string };
  guard: object;
}

/** The sequence numbers a change read on its lead without taking them: `count` after `seqBefore`. */
export interface LeadGuard {
  accountId: string;
  leadId: string;
  seqBefore: number;
  count: number;
}

export interface Actor {
  accountId: string;
  user: ActivityUser & { email: string; role: 'admin' | 'member' };
}

/** Sequence numbers a change already reserved on its lead, up to `seqAfter`, and the lead as it is now. */
export interface Reserved {
  lead: LeadSnapshot;
  seqAfter: number;
}

export interface Tx {
  db: Kysely<Schema>;
  now: Date;
  /**
   * Records the changes to one lead, in catalogue order, after the change has been written.
   * The sequence numbers and the lead come from this transaction's `reserve` on the lead, if any;
   * else from `reserved`, when the caller reserved `changes.length` numbers in the lead's own row
   * write (an insert with `activity_seq: changes.length`, or an update that set `reserveSequence`,
   * reading back `activity_seq`) and has the lead; the recorder then writes no lead UPDATE of its
   * own. Otherwise it reserves them and reads the lead in one UPDATE.
   */
  record(actor: Actor, leadId: string, changes: ActivityChange[], reserved?: Reserved): Promise<RecordedActivity[]>;
  /**
   * Reserves `count` sequence numbers of the lead now (its row lock is held until commit) and reads
   * the lead as webhooks show it, for the next `record` on that lead, which uses them: one statement
   * where a service would read the lead and the recorder then update it. Undefined when the account
   * has no such lead. The change must then record exactly `count` activities on that lead (else the
   * transaction fails: a lead's numbers have no gaps).
   */
  reserve(accountId: string, leadId: string, count: number): Promise<Reserved | undefined>;
  /**
   * Inserts rows that nothing reads back before the next `record`: on PostgreSQL they go in the
   * statement that writes that activity and its deliveries, one round trip fewer. Rows no `record`
   * took are inserted when the change's work returns, before the commit.
   */
  insertWithRecord(inserts: TableRows): void;
}

export class ActivityRecorder {
  private outbox: OutboxWriter | undefined;

  private readonly readOnly: Kysely<Schema>;
  private readonly leadReads: LeadReads;
  /**
   * Per account and lead, the end of the last change on its way through transactionAtOnce in this process.
   * Another change of the same lead reads it only after that one's statement answered: read before,
   * it would see the numbers the first is about to take, and its statement would fail its guard.
   */
  private readonly leadsAtOnce = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {
    this.readOnly = db.withPlugin(refuseWrites);
    this.leadReads = new LeadReads(db);
  }

  /** The delivery engine plugs itself in here; without it activities are only stored. */
  setOutbox(outbox: OutboxWriter): void {
    this.outbox = outbox;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let enqueued = 0;
    const now = this.clock.now();
    const result = await this.db.transaction().execute(async (trx) => {
      const deferred: TableRows[] = [];
      /** What `reserve` handed out and no `record` has used yet, by lead. */
      const unrecorded = new Map<string, { count: number; reserved: Reserved }>();
      const done = await work({
        db: trx,
        now,
        record: async (actor, leadId, changes, ownReservation) => {
          const held = unrecorded.get(leadId);
          unrecorded.delete(leadId);
          if (held && held.count !== changes.length) throw new Error(`${held.count} sequence numbers reserved on lead ${leadId}, ${changes.length} activities recorded`);
          if (held && ownReservation && ownReservation !== held.reserved) throw new Error(`sequence numbers reserved twice on lead ${leadId}`);
          if (changes.length === 0) return [];
          const reserved = held?.reserved ?? ownReservation;
          const { activities, rows } = await prepareActivities(trx, now, actor, leadId, changes, reserved);
          const inserts = [...deferred.splice(0), { table: 'activities', rows } as const];
          if (this.outbox?.enqueueWithInsert) {
            enqueued += await this.outbox.enqueueWithInsert(trx, inserts, activities, now);
          } else {
            await insertEach(trx, inserts);
            if (this.outbox) enqueued += await this.outbox.enqueue(trx, activities, now);
          }
          return activities;
        },
        reserve: async (accountId, leadId, count) => {
          const reserved = await reserveOnLeadRow(trx, accountId, leadId, count);
          if (reserved) unrecorded.set(leadId, { count, reserved });
          return reserved;
        },
        insertWithRecord: (inserts) => void deferred.push(inserts),
      });
      const [left] = unrecorded;
      if (left) throw new Error(`${left[1].count} sequence numbers reserved on lead ${left[0]} and no activity recorded`);
      if (deferred.length > 0) await insertEach(trx, deferred.splice(0));
      return done;
    });
    if (enqueued > 0) this.outbox?.committed(enqueued);
    return result;
  }

  /**
   * `transaction(work)` in one statement and no transaction, where the outbox can (PostgreSQL with
   * the account's webhooks remembered) and `work` is a change made only of one `reserve` on a lead,
   * rows for `insertWithRecord`, reads and one `record` of those numbers: a new note, say. `work`
   * then runs against a `Tx` that writes nothing itself: `reserve` reads the lead and its next
   * numbers without taking them, and what `work` hands over is inserted by the outbox in one
   * statement, only if the lead's numbers are still those read (every activity on the lead moves
   * them) and the account's webhooks still those remembered. Anything else (a write through
   * `tx.db` is refused; a second reserve or record; a guard that fails) runs `work` again through
   * `transaction`, which is always right: the first run wrote nothing. Two round trips where
   * `transaction` takes four, and no BEGIN or COMMIT of its own; under load both are shared with
   * the account's other changes (lead-reads.ts, the outbox's batches).
   */
  async transactionAtOnce<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const outbox = this.outbox;
    if (!outbox?.insertOnLead) return this.transaction(work);
    const now = this.clock.now();
    const deferred: TableRows[] = [];
    let guard: (LeadGuard & { reserved: Reserved }) | undefined;
    let recorded: { activities: RecordedActivity[]; rows: ActivityRows } | undefined;
    /** This change's place in leadsAtOnce, from its `reserve` until its statement answered. */
    let claimed: { key: string; done: Promise<void> } | undefined;
    let release = () => {};
    const tx: Tx = {
      db: this.readOnly,
      now,
      reserve: async (accountId, leadId, count) => {
        if (guard || !outbox.writesAtOnce?.(accountId)) throw new NotAtOnce();
        const key = `${accountId}\u0000${leadId}`;
        const before = this.leadsAtOnce.get(key);
        const done = new Promise<void>((resolve) => (release = resolve));
        this.leadsAtOnce.set(key, done);
        claimed = { key, done };
        if (before) await afterPrevious(before);
        const row = await this.leadReads.read(accountId, leadId);
        if (!row) return undefined;
        const seqBefore = Number(row.activity_seq);
        guard = { accountId, leadId, seqBefore, count, reserved: { lead: snapshotOf(row), seqAfter: seqBefore + count } };
        return guard.reserved;
      },
      insertWithRecord: (inserts) => void deferred.push(inserts),
      record: async (actor, leadId, changes, ownReservation) => {
        const fits = guard && !recorded && !ownReservation && guard.leadId === leadId && guard.accountId === actor.accountId && guard.count === changes.length;
        if (!fits) throw new NotAtOnce();
        recorded = await prepareActivities(this.db, now, actor, leadId, changes, guard!.reserved);
        return recorded.activities;
      },
    };
    let enqueued: number | undefined;
    let result: T;
    try {
      try {
        result = await work(tx);
      } catch (error) {
        if (error instanceof NotAtOnce) return this.transaction(work);
        throw error;
      }
      if (!guard || !recorded) return this.transaction(work);
      enqueued = await outbox.insertOnLead(this.db, guard, [...deferred, { table: 'activities', rows: recorded.rows }], recorded.activities, now);
    } finally {
      release();
      if (claimed && this.leadsAtOnce.get(claimed.key) === claimed.done) this.leadsAtOnce.delete(claimed.key);
    }
    if (enqueued === undefined) return this.transaction(work);
    if (enqueued > 0) outbox.committed(enqueued);
    return result;
  }

  /**
   * A new lead and its `lead:created` with their deliveries in one statement and no transaction,
   * where the outbox can (PostgreSQL with the account's webhooks remembered): one round trip where
   * `transaction` takes four. `build` makes the lead at `now` from what is remembered (or returns
   * undefined). Resolves true when all of it is committed; false when nothing was written and the
   * caller takes the transactional path.
   */
  async recordNewLeadAtOnce(actor: Actor, build: (now: Date) => { insert: GuardedLeadInsert; leadId: string; lead: LeadSnapshot } | undefined): Promise<boolean> {
    const outbox = this.outbox;
    if (!outbox?.insertWithNewLead) return false;
    const now = this.clock.now();
    const built = build(now);
    if (!built) return false;
    const { activities, rows } = await prepareActivities(this.db, now, actor, built.leadId, [{ type: 'lead:created', fields: {} }], { lead: built.lead, seqAfter: 1 });
    const enqueued = await outbox.insertWithNewLead(this.db, built.insert, rows, activities, now);
    if (enqueued === undefined) return false;
    if (enqueued > 0) outbox.committed(enqueued);
    return true;
  }
}

/** The activities of one record() call (at least one change), numbered, and their rows (not yet inserted). */
async function prepareActivities(
  db: Kysely<Schema>,
  now: Date,
  actor: Actor,
  leadId: string,
  changes: ActivityChange[],
  reserved: Reserved | undefined,
): Promise<{ activities: RecordedActivity[]; rows: ActivityRows }> {
  const ordered = [...changes].sort((a, b) => catalogueOrder(a.type) - catalogueOrder(b.type));
  const { lead, seqAfter } = reserved ?? (await reserveOnLeadRow(db, actor.accountId, leadId, ordered.length)) ?? missingLead(leadId);
  const firstSeq = seqAfter - ordered.length + 1;
  const leadJson = JSON.stringify(lead);
  const activities = ordered.map((change, i): RecordedActivity => {
    const id = newId(now);
    return {
      id,
      accountId: actor.accountId,
      leadId,
      type: change.type,
      leadSeq: firstSeq + i,
      createdAt: now.getTime(),
      activityJson: JSON.stringify(buildActivityObject(id, now, change, actor.user)),
      leadJson,
    };
  });
  const rows = activities.map((a) => ({
    id: a.id,
    account_id: a.accountId,
    lead_id: a.leadId,
    type: a.type,
    user_id: actor.user._id,
    created_at: a.createdAt,
    activity_json: a.activityJson,
    lead_json: a.leadJson,
    lead_seq: a.leadSeq,
  }));
  return { activities, rows };
}

/**
 * Waits for the previous at-once change of a lead, as long as a caller waits for a connection: with
 * the database stalled under that change, this one is answered the same 503 instead of waiting on.
 */
async function afterPrevious(previous: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(waitedAsForConnection('a change waited for the previous change of its lead')), PG_CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([previous, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `transactionAtOnce` does when its change is not one it can write at once. */
class NotAtOnce extends Error {}

/** A query plugin that refuses every statement but a SELECT: the `db` of transactionAtOnce's `Tx`. */
const refuseWrites: KyselyPlugin = {
  transformQuery(args) {
    if (args.node.kind !== 'SelectQueryNode') throw new NotAtOnce();
    return args.node;
  },
  transformResult: async (args) => args.result,
};

const reserveReadingLead = fixedRead<SnapshotRow & { activity_seq: number | string }>(
  `update "leads" set "activity_seq" = "activity_seq" + ? where "id" = ? and "account_id" = ? returning "activity_seq", ${SNAPSHOT_COLUMNS}`,
);

/**
 * Reserves `count` sequence numbers of the lead, up to the one returned, with the lead as webhooks
 * show it (one statement: the lead's row is where both are); undefined when the account has no such
 * lead. The UPDATE takes the lead's row lock until commit, so on PostgreSQL a concurrent change of
 * the same lead waits here and gets the next numbers only after this one committed: numbers follow
 * commit order, which is what lets the claim send one lead's deliveries in this order
 * (docs/WEBHOOKS.md, "Order per lead").
 */
async function reserveOnLeadRow(db: Kysely<Schema>, accountId: string, leadId: string, count: number): Promise<Reserved | undefined> {
  const [row] = await reserveReadingLead(db, [count, leadId, accountId]);
  return row && { lead: snapshotOf(row), seqAfter: Number(row.activity_seq) };
}

function missingLead(leadId: string): never {
  throw new Error(`activities recorded for a lead that does not exist: ${leadId}`);
}

/**
 * The new `activity_seq` of a lead row that reserves `count` numbers, for a service that updates the
 * lead anyway: the same row lock as reserveOnLeadRow, one statement fewer. Pass the value read back
 * (RETURNING) to `Tx.record` as `reserved.seqAfter`.
 */
export function reserveSequence(eb: ExpressionBuilder<Schema, 'leads'>, count: number) {
  return eb('activity_seq', '+', count);
}
