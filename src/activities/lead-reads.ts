// The reads of ActivityRecorder.transactionAtOnce (PostgreSQL), shared: a lead read that finds one of
// its account on its way waits, with those that come after it, for the next, and one statement reads
// them all. As with the writes that follow (src/delivery/account-batches.ts), nothing waits for a
// timer, a read waits no longer than a caller waits for a connection, and a failed statement fails
// the reads it carried alike. A read is only where the change starts: its statement takes the lead's
// numbers only if they are still those read.
import type { Kysely } from 'kysely';
import { PG_CONNECT_TIMEOUT_MS } from '../storage/database.ts';
import { fixedRead } from '../storage/fixed-sql.ts';
import type { Schema } from '../storage/schema.ts';
import { waitedAsForConnection } from '../storage/storage-errors.ts';
import { SNAPSHOT_COLUMNS, type SnapshotRow } from './lead-snapshot.ts';

export type LeadWithSequence = SnapshotRow & { activity_seq: number | string };

const readLeads = fixedRead<LeadWithSequence>(`select "activity_seq", ${SNAPSHOT_COLUMNS} from "leads" where "account_id" = ? and "id" = any(?::text[])`);

/** Leads in one read at most. */
const MAX_LEADS = 256;

interface Waiting {
  leadId: string;
  resolve: (row: LeadWithSequence | undefined) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class LeadReads {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(private readonly db: Kysely<Schema>) {}

  /** The account's lead with its sequence number, or undefined when the account has no such lead. */
  read(accountId: string, leadId: string): Promise<LeadWithSequence | undefined> {
    let waiting = this.queues.get(accountId);
    const first = waiting === undefined;
    if (waiting === undefined) {
      waiting = [];
      this.queues.set(accountId, waiting);
    }
    const queue = waiting;
    const row = new Promise<LeadWithSequence | undefined>((resolve, reject) => {
      const read: Waiting = { leadId, resolve, reject };
      read.timer = setTimeout(() => {
        const at = queue.indexOf(read);
        if (at < 0) return;
        queue.splice(at, 1);
        reject(waitedAsForConnection('a lead read waited for the statement before it'));
      }, PG_CONNECT_TIMEOUT_MS);
      queue.push(read);
    });
    if (first) void this.drain(accountId, queue);
    return row;
  }

  private async drain(accountId: string, queue: Waiting[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const reads = queue.splice(0, MAX_LEADS);
        for (const read of reads) clearTimeout(read.timer);
        try {
          const rows = await readLeads(this.db, [accountId, [...new Set(reads.map((r) => r.leadId))]]);
          const byId = new Map(rows.map((row) => [row.id, row]));
          for (const read of reads) read.resolve(byId.get(read.leadId));
        } catch (error) {
          for (const read of reads) read.reject(error);
        }
      }
    } finally {
      this.queues.delete(accountId);
    }
  }
}
