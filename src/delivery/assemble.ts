// The one place a DeliveryWorker is put together from the application's pieces. AppContext's
// createWorker() calls it; `leadhook serve` (in-process or on its delivery thread, which builds its
// own context), `leadhook worker` and the tests all get their worker from there.
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from '../storage/database.ts';
import type { Mailer } from '../notifications/mailer.ts';
import { VERSION } from '../version.ts';
import type { AddressPolicy, Resolver } from './address-guard.ts';
import { listenForWork } from './listen-notify.ts';
import type { WorkerHooks } from './hooks.ts';
import type { DeliveryMetrics } from './metrics.ts';
import { createSender, type ConnectorFactory } from './send-request.ts';
import { createDeliveryStore } from './store/delivery-store.ts';
import type { WakeSignal } from './wakeup.ts';
import { DeliveryWorker, type WorkerDeps } from './worker.ts';

export interface WorkerParts {
  config: Readonly<Config>;
  database: Database;
  clock: Clock;
  random: () => number;
  logger: Logger;
  mailer: Mailer;
  metrics: DeliveryMetrics;
  wake: WakeSignal;
  addressPolicy: AddressPolicy;
  resolver: Resolver;
  connector: ConnectorFactory | undefined;
  hooks?: WorkerHooks;
}

export type WorkerTuning = Pick<WorkerDeps, 'firstLaneConcurrency' | 'retryLaneConcurrency' | 'pollIntervalMs'> & {
  /** Replaces the database handle (tests pass one with a plugin that counts statements). */
  db?: Database['db'];
  /** Wraps the store (tests inject failures). */
  wrapStore?: (store: WorkerDeps['store']) => WorkerDeps['store'];
};

export function createDeliveryWorker(parts: WorkerParts, tuning: WorkerTuning = {}): DeliveryWorker {
  const { config, database, wake } = parts;
  const logger = parts.logger.child({ component: 'delivery-worker' });
  const store = createDeliveryStore({ db: tuning.db ?? database.db, dialect: database.dialect }, wake);
  const guarded = createSender({
    policy: parts.addressPolicy,
    resolver: parts.resolver,
    connector: parts.connector,
    connectTimeoutMs: config.connectTimeoutMs,
    timeoutMs: config.deliveryTimeoutMs,
    // No per-origin limit: the per-webhook cap bounds concurrency (see SenderOptions).
    connectionsPerOrigin: null,
  });
  const sender = parts.hooks?.wrapSender ? parts.hooks.wrapSender(guarded) : guarded;
  return new DeliveryWorker({
    store: tuning.wrapStore ? tuning.wrapStore(store) : store,
    clock: parts.clock,
    random: parts.random,
    logger,
    sender,
    mailer: parts.mailer,
    metrics: parts.metrics,
    ...(parts.hooks ? { hooks: parts.hooks } : {}),
    subscribe(onWake) {
      const unsubscribe = wake.subscribe(onWake);
      const listener = database.postgresUrl ? listenForWork(database.postgresUrl, onWake, logger) : undefined;
      return async () => {
        unsubscribe();
        await listener?.close();
      };
    },
    userAgent: `leadhook/${VERSION}`,
    settings: {
      retrySchedule: config.retrySchedule,
      retryJitter: config.retryJitter,
      deliveryTimeoutMs: config.deliveryTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      errorEmailIntervalS: config.errorEmailIntervalS,
      autoDisableAfterS: config.autoDisableAfterS,
      maxInFlightPerWebhook: config.maxInFlightPerWebhook,
      maxInFlightPerAccount: config.maxInFlightPerAccount,
      retentionDays: config.retentionDays,
      publicUrl: config.publicUrl,
    },
    ...(tuning.firstLaneConcurrency === undefined ? {} : { firstLaneConcurrency: tuning.firstLaneConcurrency }),
    ...(tuning.retryLaneConcurrency === undefined ? {} : { retryLaneConcurrency: tuning.retryLaneConcurrency }),
    ...(tuning.pollIntervalMs === undefined ? {} : { pollIntervalMs: tuning.pollIntervalMs }),
  });
}
