// Runs the migrations (one list, both dialects) with Kysely's Migrator, which locks so that
// several processes starting together migrate once.
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Database, Dialect } from './database.ts';
import * as initial from './migrations/001-initial.ts';
import * as deliveryLanes from './migrations/002-delivery-lanes.ts';
import * as deliveryClaimIndexes from './migrations/003-delivery-claim-indexes.ts';
import * as clinchpadResources from './migrations/012-clinchpad-resources.ts';

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const STEPS: Record<string, Step> = {
  '001-initial': initial,
  '002-delivery-lanes': deliveryLanes,
  '003-delivery-claim-indexes': deliveryClaimIndexes,
  '012-clinchpad-resources': clinchpadResources,
};

export async function migrate(database: Database): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of Object.entries(STEPS)) {
    migrations[name] = { up: (db) => step.up(db, database.dialect) };
  }
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
