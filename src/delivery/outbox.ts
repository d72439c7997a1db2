// The transactional outbox (docs/DESIGN.md): inside the change's own transaction, one delivery per
// matching enabled webhook, its body composed once with that webhook's handshake key; workers are
// told on commit (NOTIFY inside the transaction on PostgreSQL, the in-process signal after it).
import type { Transaction } from 'kysely';
import type { OutboxWriter, RecordedActivity } from '../activities/recorder.ts';
import type { Schema } from '../storage/schema.ts';
import { parseEvents, wantsEvent } from './event-filter.ts';
import type { DeliveryStore } from './store/delivery-store.ts';
import { activityDeliveryRow, insertDeliveries, type NewDelivery } from './store/rows.ts';
import { enabledWebhooks } from './store/targets.ts';
import type { WakeSignal } from './wakeup.ts';

export function createOutboxWriter(store: Pick<DeliveryStore, 'notify'>, wake: WakeSignal): OutboxWriter {
  return {
    async enqueue(trx: Transaction<Schema>, activities: RecordedActivity[], now) {
      const byAccount = new Map<string, RecordedActivity[]>();
      for (const activity of activities) byAccount.set(activity.accountId, [...(byAccount.get(activity.accountId) ?? []), activity]);
      const rows: NewDelivery[] = [];
      for (const [accountId, list] of byAccount) {
        for (const webhook of await enabledWebhooks(trx, accountId)) {
          const events = parseEvents(webhook.events);
          for (const activity of list) {
            if (wantsEvent(events, activity.type)) rows.push(activityDeliveryRow(activity, webhook, now));
          }
        }
      }
      if (rows.length === 0) return 0;
      await insertDeliveries(trx, rows);
      await store.notify(trx);
      return rows.length;
    },
    committed() {
      wake.wake();
    },
  };
}
