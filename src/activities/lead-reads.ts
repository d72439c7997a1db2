// The reads of ActivityRecorder.transactionAtOnce (PostgreSQL), shared as the writes that follow
// them are (src/storage/account-batches.ts): a lead read that finds one of its account on its way
// waits, with those that come after it, for the next, and one statement reads them all; nothing
// waits for a timer, a read waits no longer than a caller waits for a connection, and a failed
// statement fails the reads it carried alike. A read is only where the change starts: its
// statement takes the lead's numbers only if they are still those read.
import type { Kysely } from 'kysely';
import { createAccountBatches } from '../storage/account-batches.ts';
import { fixedRead } from '../storage/fixed-sql.ts';
import type { Schema } from '../storage/schema.ts';
import { SNAPSHOT_COLUMNS, type SnapshotRow } from './lead-snapshot.ts';

export type LeadWithSequence = SnapshotRow & { activity_seq: number | string };

const readLeads = fixedRead<LeadWithSequence>(`select "activity_seq", ${SNAPSHOT_COLUMNS} from "leads" where "account_id" = ? and "id" = any(?::text[])`);

export class LeadReads {
  private readonly batches = createAccountBatches<string, LeadWithSequence>({
    shapeOf: () => '',
    deliveriesOf: () => 0,
    idOf: (leadId) => leadId,
    async run(db, accountId, _fingerprint, leadIds) {
      const rows = await readLeads(db, [accountId, [...new Set(leadIds)]]);
      return new Map(rows.map((row) => [row.id, row]));
    },
  });

  constructor(private readonly db: Kysely<Schema>) {}

  /** The account's lead with its sequence number, or undefined when the account has no such lead. */
  read(accountId: string, leadId: string): Promise<LeadWithSequence | undefined> {
    return this.batches.submit(this.db, accountId, '', leadId);
  }
}
