// The composition root's product: every long-lived dependency, built once from the configuration.
// Tests build the same context with a manual clock and injected network pieces.
import type { Kysely } from 'kysely';
import { ActivityRecorder } from './activities/recorder.ts';
import type { Config } from './config.ts';
import { createAddressPolicy, systemResolver, type AddressPolicy, type Resolver } from './delivery/address-guard.ts';
import { createDeliveryWorker, type WorkerTuning } from './delivery/assemble.ts';
import { createDeliveryMetrics, type DeliveryMetrics } from './delivery/metrics.ts';
import { createOutboxWriter } from './delivery/outbox.ts';
import { createOutboxTargets } from './delivery/outbox-targets.ts';
import type { ConnectorFactory } from './delivery/send-request.ts';
import { createDeliveryStore, type DeliveryStore } from './delivery/store/delivery-store.ts';
import { WakeSignal } from './delivery/wakeup.ts';
import type { WorkerHooks } from './delivery/hooks.ts';
import { withInspectorInboxes } from './inspector/inbox-sender.ts';
import { pruneTraceLinks, tracedAttempts } from './telemetry/delivery-spans.ts';
import { withOutboxTracing } from './telemetry/outbox-tracing.ts';
import type { DeliveryWorker } from './delivery/worker.ts';
import { createMailer, type Mailer } from './notifications/mailer.ts';
import { createSmtpTransport } from './notifications/smtp-transport.ts';
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
  /** Wakes this process's delivery worker (the outbox and `deliveries` signal it after commit). */
  wake: WakeSignal;
  /** Delivery state: the API's manual retry and recover, and transactions that wake the workers. */
  deliveries: DeliveryStore;
  metrics: DeliveryMetrics;
  mailer: Mailer;
  addressPolicy: AddressPolicy;
  /** A delivery worker on this context (not started); the caller starts and stops it. */
  createWorker(tuning?: WorkerTuning): DeliveryWorker;
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  /** Uniform in [0, 1), for retry jitter. */
  random?: () => number;
  /** Host name resolution for webhook requests (tests answer without DNS). */
  resolver?: Resolver;
  /** Replaces the socket connector of webhook requests (tests record what would be dialled). */
  connector?: ConnectorFactory;
  mailer?: Mailer;
  /** Where attempt metrics go (the delivery thread forwards them to the main thread). */
  metrics?: DeliveryMetrics;
}

export async function createContext(config: Readonly<Config>, overrides: ContextOverrides = {}): Promise<AppContext> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await migrate(database);
  const recorder = new ActivityRecorder(database.db, clock);
  const wake = new WakeSignal();
  const deliveries = createDeliveryStore(database, wake);
  // PostgreSQL: the outbox remembers each account's webhooks and its insert checks them (outbox-targets.ts).
  const outboxTargets = database.dialect === 'postgres' ? createOutboxTargets() : undefined;
  recorder.setOutbox(withOutboxTracing(createOutboxWriter(deliveries, wake, outboxTargets)));
  const smtp = config.smtpUrl ? createSmtpTransport(config.smtpUrl) : undefined;
  const mailer = overrides.mailer ?? createMailer(database.db, clock, smtp?.send);
  const metrics = overrides.metrics ?? createDeliveryMetrics(database.db, clock);
  const addressPolicy = createAddressPolicy(config.allowPrivateTargets);
  // Deliveries to leadhook's own inspector inboxes are recorded in-process (no socket, no address
  // guard exception); attempt spans and their retention when tracing is on (docs/OBSERVABILITY.md).
  const hooks: WorkerHooks = {
    wrapSender: (sender) => withInspectorInboxes(sender, { db: database.db, clock, publicUrl: config.publicUrl }),
    aroundAttempt: tracedAttempts(database.db),
    prune: (before) => pruneTraceLinks(database.db, before),
  };
  const parts = {
    hooks,
    config,
    database,
    clock,
    random: overrides.random ?? Math.random,
    logger,
    mailer,
    metrics,
    wake,
    addressPolicy,
    resolver: overrides.resolver ?? systemResolver,
    connector: overrides.connector,
  };
  return {
    config,
    database,
    db: database.db,
    clock,
    logger,
    recorder,
    readinessChecks: [],
    wake,
    deliveries,
    metrics,
    mailer,
    addressPolicy,
    createWorker: (tuning) => createDeliveryWorker(parts, tuning),
    close: async () => {
      smtp?.close();
      await database.close();
    },
  };
}
