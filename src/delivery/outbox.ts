// The transactional outbox (docs/DESIGN.md): inside the change's own transaction, one delivery per
// matching enabled webhook, built by delivery-row.ts (body composed once, lead sequence); workers are
// told after commit (the in-process signal, and on PostgreSQL a coalesced NOTIFY: wakeup.ts).
import type { Transaction } from 'kysely';
import type { OutboxWriter, RecordedActivity } from '../activities/recorder.ts';
import type { Schema } from '../storage/schema.ts';
import { deliveryRowsFor } from './delivery-row.ts';
import type { DeliveryStore } from './store/delivery-store.ts';
import { insertDeliveries, type NewDelivery } from './store/rows.ts';
import { enabledWebhooks } from './store/targets.ts';
import type { WakeSignal } from './wakeup.ts';

export function createOutboxWriter(store: Pick<DeliveryStore, 'announce'>, wake: WakeSignal): OutboxWriter {
  return {
    async enqueue(trx: Transaction<Schema>, activities: RecordedActivity[], now) {
      const byAccount = new Map<string, RecordedActivity[]>();
      for (const activity of activities) byAccount.set(activity.accountId, [...(byAccount.get(activity.accountId) ?? []), activity]);
      const rows: NewDelivery[] = [];
      for (const [accountId, list] of byAccount) {
        for (const webhook of await enabledWebhooks(trx, accountId)) rows.push(...(await deliveryRowsFor(trx, webhook, list, now)));
      }
      if (rows.length === 0) return 0;
      await insertDeliveries(trx, rows);
      return rows.length;
    },
    committed() {
      wake.wake();
      // Not awaited: the answer to the change does not wait for the wake-up of other processes.
      void store.announce();
    },
  };
}
