// A delivery worker whose sender is (or, to compare, is not) wrapped by withInspectorInboxes, built
// like src/delivery/create-worker.ts builds the real one, so these tests do not depend on how the
// composition root is wired.
import type { ConnectorFactory } from '../../src/delivery/send-request.ts';
import { createSender } from '../../src/delivery/send-request.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import type { Resolver } from '../../src/delivery/address-guard.ts';
import { withInspectorInboxes } from '../../src/inspector/inbox-sender.ts';
import type { Harness } from '../helpers/harness.ts';

/** `inboxes: false` builds the worker without the decorator, to show the address guard alone. */
export function createInboxAwareWorker(h: Harness, resolver: Resolver, connector: ConnectorFactory, inboxes = true): DeliveryWorker {
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
    sender: inboxes ? withInspectorInboxes(sender, { db: h.ctx.db, clock: h.clock, publicUrl: config.publicUrl }) : sender,
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
