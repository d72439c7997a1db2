// Runs the migrations (one list, both dialects) with Kysely's Migrator, which locks so that
// several processes starting together migrate once.
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Database, Dialect } from './database.ts';
import * as initial from './migrations/001-initial.ts';
import * as deliveryLanes from './migrations/002-delivery-lanes.ts';
import * as deliveryClaimIndexes from './migrations/003-delivery-claim-indexes.ts';
import * as accountControl from './migrations/014-account-control.ts';
import * as clinchpadResources from './migrations/012-clinchpad-resources.ts';
import * as deliveryFencing from './migrations/010-delivery-fencing.ts';
import * as inspector from './migrations/016-inspector.ts';
import * as leadCloseReason from './migrations/017-lead-close-reason.ts';
import * as leadOrdering from './migrations/018-lead-ordering.ts';
import * as replayLedger from './migrations/019-replay-ledger.ts';
import * as webhookBackPressure from './migrations/020-webhook-back-pressure.ts';
import * as webhookTraceparent from './migrations/022-webhook-traceparent.ts';
import * as failedAttemptsIndex from './migrations/023-failed-attempts-index.ts';
import * as deliveryHeapRoom from './migrations/024-delivery-heap-room.ts';
import * as webhookHourStats from './migrations/025-webhook-hour-stats.ts';
import * as leadOrderByLead from './migrations/026-lead-order-by-lead.ts';

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const STEPS: Record<string, Step> = {
  '001-initial': initial,
  '002-delivery-lanes': deliveryLanes,
  '003-delivery-claim-indexes': deliveryClaimIndexes,
  '010-delivery-fencing': deliveryFencing,
  '012-clinchpad-resources': clinchpadResources,
  '014-account-control': accountControl,
  '016-inspector': inspector,
  '017-lead-close-reason': leadCloseReason,
  '018-lead-ordering': leadOrdering,
  '019-replay-ledger': replayLedger,
  '020-webhook-back-pressure': webhookBackPressure,
  '022-webhook-traceparent': webhookTraceparent,
  '023-failed-attempts-index': failedAttemptsIndex,
  '024-delivery-heap-room': deliveryHeapRoom,
  '025-webhook-hour-stats': webhookHourStats,
  '026-lead-order-by-lead': leadOrderByLead,
};

/**
 * Runs the migrations not yet run, all of them or up to and including `upTo` (the upgrade tests
 * stop at an old schema, insert what an upgrade finds, then run the rest).
 */
export async function migrate(database: Database, upTo?: string): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of Object.entries(STEPS)) {
    migrations[name] = { up: (db) => step.up(db, database.dialect) };
  }
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await (upTo === undefined ? migrator.migrateToLatest() : migrator.migrateTo(upTo));
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
