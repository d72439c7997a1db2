// The composition root's product: every long-lived dependency, built once from the configuration.
// Tests build the same context with a manual clock and injected network pieces.
import type { Kysely } from 'kysely';
import { ActivityRecorder } from './activities/recorder.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { openDatabase, type Database } from './storage/database.ts';
import { migrate } from './storage/migrate.ts';
import type { Schema } from './storage/schema.ts';

export type ReadinessCheck = () => Promise<{ name: string; ok: boolean; detail?: string }>;

export interface AppContext {
  config: Readonly<Config>;
  database: Database;
  db: Kysely<Schema>;
  clock: Clock;
  logger: Logger;
  recorder: ActivityRecorder;
  /** Extra /readyz checks (the delivery worker adds its own). */
  readinessChecks: ReadinessCheck[];
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
}

export async function createContext(config: Readonly<Config>, overrides: ContextOverrides = {}): Promise<AppContext> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database);
  const recorder = new ActivityRecorder(database.db, clock);
  return {
    config,
    database,
    db: database.db,
    clock,
    logger,
    recorder,
    readinessChecks: [],
    close: () => database.close(),
  };
}
