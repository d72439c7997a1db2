// Builds a DeliveryWorker from the application's pieces (used by `leadhook serve`/`worker` and tests).
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from '../storage/database.ts';
import type { Mailer } from '../notifications/mailer.ts';
import { VERSION } from '../version.ts';
import type { AddressPolicy, Resolver } from './address-guard.ts';
import type { DeliveryMetrics } from './metrics.ts';
import { createSender, type ConnectorFactory } from './send-request.ts';
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
}

export type WorkerTuning = Pick<WorkerDeps, 'firstLaneConcurrency' | 'retryLaneConcurrency' | 'pollIntervalMs'> & {
  /** Replaces the database handle (tests pass one with a plugin that counts statements). */
  db?: WorkerDeps['db'];
};

export function createDeliveryWorker(parts: WorkerParts, tuning: WorkerTuning = {}): DeliveryWorker {
  const { config } = parts;
  const sender = createSender({
    policy: parts.addressPolicy,
    resolver: parts.resolver,
    connector: parts.connector,
    connectTimeoutMs: config.connectTimeoutMs,
    timeoutMs: config.deliveryTimeoutMs,
    // No per-origin limit: the per-webhook cap bounds concurrency (see SenderOptions).
    connectionsPerOrigin: null,
  });
  return new DeliveryWorker({
    db: tuning.db ?? parts.database.db,
    dialect: parts.database.dialect,
    postgresUrl: parts.database.postgresUrl,
    clock: parts.clock,
    random: parts.random,
    logger: parts.logger.child({ component: 'delivery-worker' }),
    sender,
    mailer: parts.mailer,
    metrics: parts.metrics,
    wake: parts.wake,
    userAgent: `leadhook/${VERSION}`,
    settings: {
      retrySchedule: config.retrySchedule,
      retryJitter: config.retryJitter,
      deliveryTimeoutMs: config.deliveryTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      errorEmailIntervalS: config.errorEmailIntervalS,
      autoDisableAfterS: config.autoDisableAfterS,
      maxInFlightPerWebhook: config.maxInFlightPerWebhook,
      retentionDays: config.retentionDays,
      publicUrl: config.publicUrl,
    },
    ...(tuning.firstLaneConcurrency === undefined ? {} : { firstLaneConcurrency: tuning.firstLaneConcurrency }),
    ...(tuning.retryLaneConcurrency === undefined ? {} : { retryLaneConcurrency: tuning.retryLaneConcurrency }),
    ...(tuning.pollIntervalMs === undefined ? {} : { pollIntervalMs: tuning.pollIntervalMs }),
  });
}
