// Writes (or reads) of one account that share one statement (PostgreSQL: new leads,
// new-lead-batches.ts; changes on existing leads, on-lead-batches.ts; the lead reads before those,
// activities/lead-reads.ts). A statement, its commit and its round trip cost
// about as much for one write as for many, and under load that fixed cost was most of the server's
// work per write (docs/BENCHMARKS.md). So a write that finds `IN_FLIGHT` statements of its account
// (and of the same remembered webhooks and shape) already on their way waits, with those that come
// after it, for the next one; with fewer on their way it goes at once. Nothing waits for a timer:
// batches form only while the database is busy, and grow with the load.
// - Each write is answered only after the statement that wrote it committed, as alone.
// - Each write is added only if its own guards hold; the others of its statement do not depend on it.
// - Two writes on the same lead never share a statement (`leadOf`): the second waits for the next.
// - A write waits for its statement to start no longer than a caller waits for a connection.
// - A statement that fails for a reason other than the database's (storage-errors.ts) is tried again
//   write by write, so such an error reaches only the write that caused it and the rest are written
//   as they would have been alone. The database failing (unreachable, disk full …) fails them all alike.
import type { Kysely } from 'kysely';
import { PG_CONNECT_TIMEOUT_MS } from './database.ts';
import type { Schema } from './schema.ts';
import { classifyStorageError, waitedAsForConnection } from './storage-errors.ts';

/**
 * Statements of one account on their way at once; more writes wait for the next. One gave the most
 * (`bench/api-only.ts worker 6000 postgres leads 1`: 1,242–1,379 leads/s against 827–1,237 with two
 * and 882 with four): fewer, larger statements.
 */
const IN_FLIGHT = 1;
/** Writes in one statement at most, and their deliveries (an account may have 100 webhooks or more). */
const MAX_WRITES = 64;
const MAX_DELIVERIES = 1_000;
/**
 * How long a write waits for its statement to start, as long as the pool waits for a free
 * connection (PG_CONNECT_TIMEOUT_MS): with the database stalled, the writes behind the statement
 * that hangs are answered 503 as the pool's callers are, instead of waiting with it.
 */
const WAIT_LIMIT_MS = PG_CONNECT_TIMEOUT_MS;

export interface BatchKind<W, R> {
  /** Writes share a statement only when their shapes (the columns of their rows) are the same. */
  shapeOf(write: W): string;
  /** Deliveries the write adds, counted against MAX_DELIVERIES. */
  deliveriesOf(write: W): number;
  /** The lead the write takes sequence numbers of, when two on one lead may not share a statement. */
  leadOf?(write: W): string;
  /**
   * Runs one statement for `writes` (all of one shape); answers each one's result by its id
   * (`idOf`): none for a write it did not add.
   */
  run(db: Kysely<Schema>, accountId: string, fingerprint: string, writes: W[]): Promise<ReadonlyMap<string, R>>;
  idOf(write: W): string;
}

interface Member<W, R> {
  write: W;
  resolve: (result: R | undefined) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Queue<W, R> {
  db: Kysely<Schema>;
  accountId: string;
  fingerprint: string;
  waiting: Array<Member<W, R>>;
  writing: number;
}

export function createAccountBatches<W, R>(kind: BatchKind<W, R>) {
  const queues = new Map<string, Queue<W, R>>();

  async function write(queue: Queue<W, R>, members: Array<Member<W, R>>): Promise<void> {
    let results: ReadonlyMap<string, R>;
    try {
      results = await kind.run(
        queue.db,
        queue.accountId,
        queue.fingerprint,
        members.map((m) => m.write),
      );
    } catch (error) {
      // The database failing fails them all alike; anything else may be one write's doing.
      if (members.length === 1 || classifyStorageError(error)) for (const member of members) member.reject(error);
      else for (const member of members) await write(queue, [member]);
      return;
    }
    for (const member of members) member.resolve(results.get(kind.idOf(member.write)));
  }

  async function drain(key: string, queue: Queue<W, R>): Promise<void> {
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

  /** How many of the first waiting writes go in the next statement: at least one. */
  function batchSize(waiting: ReadonlyArray<Member<W, R>>): number {
    const first = waiting[0]!.write;
    const leads = new Set(kind.leadOf ? [kind.leadOf(first)] : []);
    let n = 1;
    let deliveries = kind.deliveriesOf(first);
    while (n < waiting.length && n < MAX_WRITES) {
      const next = waiting[n]!.write;
      if (deliveries + kind.deliveriesOf(next) > MAX_DELIVERIES) break;
      if (kind.leadOf) {
        const lead = kind.leadOf(next);
        if (leads.has(lead)) break;
        leads.add(lead);
      }
      deliveries += kind.deliveriesOf(next);
      n++;
    }
    return n;
  }

  return {
    /**
     * Runs `write` in a statement of its own or shared with other writes of the account; resolves
     * with its result once that statement answered (committed), undefined when it was not added.
     */
    submit(db: Kysely<Schema>, accountId: string, fingerprint: string, write: W): Promise<R | undefined> {
      const key = `${accountId}\u0000${fingerprint}\u0000${kind.shapeOf(write)}`;
      let queue = queues.get(key);
      if (queue === undefined) {
        // One context's outbox, so always the same `db`.
        queue = { db, accountId, fingerprint, waiting: [], writing: 0 };
        queues.set(key, queue);
      }
      const result = new Promise<R | undefined>((resolve, reject) => {
        const member: Member<W, R> = { write, resolve, reject };
        member.timer = setTimeout(() => {
          const at = queue.waiting.indexOf(member);
          if (at < 0) return;
          queue.waiting.splice(at, 1);
          reject(waitedAsForConnection('waited for the statement of its account before it'));
        }, WAIT_LIMIT_MS);
        queue.waiting.push(member);
      });
      if (queue.writing < IN_FLIGHT) void drain(key, queue);
      return result;
    },
  };
}

/**
 * PostgreSQL rejects a JSON string with a lone UTF-16 surrogate, which a parameter bound as text
 * would have stored as U+FFFD; a row's own fields (a name, say) come as the caller sent them.
 */
export const wellFormed = (_key: string, value: unknown) => (typeof value === 'string' ? value.toWellFormed() : value);
