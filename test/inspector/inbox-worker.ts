// A delivery worker assembled like the context's (src/delivery/assemble.ts), with this test's
// resolver and connector, and with the inspector's sender wrapper or (to compare) without it.
import type { Resolver } from '../../src/delivery/address-guard.ts';
import { createDeliveryWorker } from '../../src/delivery/assemble.ts';
import type { ConnectorFactory } from '../../src/delivery/send-request.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { withInspectorInboxes } from '../../src/inspector/inbox-sender.ts';
import type { Harness } from '../helpers/harness.ts';

/** `inboxes: false` builds the worker without the wrapper, to show the address guard alone. */
export function createInboxAwareWorker(h: Harness, resolver: Resolver, connector: ConnectorFactory, inboxes = true): DeliveryWorker {
  const { ctx } = h;
  return createDeliveryWorker({
    config: ctx.config,
    database: ctx.database,
    clock: h.clock,
    random: () => 0.5,
    logger: ctx.logger,
    mailer: ctx.mailer,
    metrics: ctx.metrics,
    wake: ctx.wake,
    addressPolicy: ctx.addressPolicy,
    resolver,
    connector,
    hooks: inboxes ? { wrapSender: (sender) => withInspectorInboxes(sender, { db: ctx.db, clock: h.clock, publicUrl: ctx.config.publicUrl }) } : {},
  });
}
