// A delivery worker whose sender is wrapped by withInspectorInboxes, built like
// src/delivery/create-worker.ts builds the real one. Once create-worker.ts wraps its sender the same
// way (see docs/RECEIVING.md), h().worker() behaves like this one.
import type { ConnectorFactory } from '../../src/delivery/send-request.ts';
import { createSender } from '../../src/delivery/send-request.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import type { Resolver } from '../../src/delivery/address-guard.ts';
import { withInspectorInboxes } from '../../src/inspector/inbox-sender.ts';
import type { Harness } from '../helpers/harness.ts';

export function createInboxAwareWorker(h: Harness, resolver: Resolver, connector: ConnectorFactory): DeliveryWorker {
  const { config } = h.ctx;
  const sender = createSender({
    policy: h.ctx.addressPolicy,
    resolver,
    connector,
    connectTimeoutMs: config.connectTimeoutMs,
    timeoutMs: config.deliveryTimeoutMs,
    connectionsPerOrigin: null,
  });
  return new DeliveryWorker({
    db: h.ctx.db,
    dialect: h.ctx.database.dialect,
    postgresUrl: h.ctx.database.postgresUrl,
    clock: h.clock,
    random: () => 0.5,
    logger: h.ctx.logger,
    sender: withInspectorInboxes(sender, { db: h.ctx.db, clock: h.clock, publicUrl: config.publicUrl }),
    mailer: h.ctx.mailer,
    metrics: undefined,
    wake: h.ctx.wake,
    userAgent: 'leadhook/test',
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
  });
}
