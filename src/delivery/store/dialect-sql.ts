// What differs between SQLite and PostgreSQL in the delivery store; chosen once, in
// createDeliveryStore (delivery-store.ts), so no other code asks which database it runs on.
import type { Kysely, RawBuilder } from 'kysely';
import type { Dialect } from '../../storage/database.ts';
import type { DeliveryRow, Schema } from '../../storage/schema.ts';
import type { ClaimedDelivery, ClaimOptions, Lane } from './claim.ts';
import type { EmailDue } from './error-emails.ts';
import type { FinishedAttempt } from './results.ts';
import type { HealthSettings } from './webhook-health.ts';

/** A recorded batch; `emails` is null when its webhook health is still to be written (recordWebhookHealth). */
export interface RecordedResults {
  recorded: FinishedAttempt[];
  emails: EmailDue[] | null;
}

/** What retention needs of an expired delivery (maintenance.ts; ledger.ts keeps the rest). */
export type ExpiredDelivery = Pick<DeliveryRow, 'id' | 'account_id' | 'webhook_id' | 'activity_id' | 'status' | 'attempts' | 'is_test' | 'updated_at'>;

/** Their columns, for the statements below. */
export const EXPIRED_COLUMNS = 'id, account_id, webhook_id, activity_id, status, attempts, is_test, updated_at';

export interface DialectSql {
  dialect: Dialect;
  /** The FROM of a lane's scans. */
  laneTable(lane: Lane): RawBuilder<unknown>;
  /** Claims up to each webhook's room; `rooms` holds only positive rooms. */
  claim(db: Kysely<Schema>, rooms: Array<[string, number]>, options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /**
   * Tells workers in other processes that there is new due work; called after the commit that
   * created it, outside any transaction (wakeup.ts, Announcer).
   */
  announce(db: Kysely<Schema>): Promise<void>;
  /**
   * Records a batch of finished attempts, fenced by lease token (results.ts), and where it is
   * cheaper the webhook health of the recorded ones in the same transaction.
   */
  recordResults(db: Kysely<Schema>, finished: readonly FinishedAttempt[], health: HealthSettings): Promise<RecordedResults>;
  /**
   * Up to `limit` finished deliveries created before `cutoff` (retention, maintenance.ts), found
   * webhook by webhook through the `(webhook_id, created_at)` index, never by reading every
   * delivery: a plain `where created_at < cutoff` has no index to use and read the whole table
   * every 30 s while nothing had expired (0.63 s for 1,000,000 deliveries on SQLite).
   */
  expired(cutoff: number, limit: number): RawBuilder<ExpiredDelivery>;
}
