// The transactional outbox (docs/DESIGN.md): inside the change's own transaction, one delivery per
// matching enabled webhook, built by delivery-row.ts (body composed once, lead sequence); workers are
// told after commit (the in-process signal, and on PostgreSQL a coalesced NOTIFY: wakeup.ts).
// On PostgreSQL the account's webhooks are remembered between writes and checked by the insert
// itself (outbox-targets.ts), one round trip fewer per write, and a new lead is written with its
// activity and deliveries in one statement (insertWithNewLead), and so is a change on a lead that
// writes only through its activity (insertOnLead); on SQLite they are read every time.
import type { Kysely, Transaction } from 'kysely';
import type { ActivityRows, GuardedLeadInsert, LeadGuard, OutboxWriter, RecordedActivity } from '../activities/recorder.ts';
import { insertEach, type TableRows } from '../storage/fixed-sql.ts';
import type { Schema } from '../storage/schema.ts';
import { deliveryRowsFor } from './delivery-row.ts';
import type { OutboxTargets, OutboxTarget } from './outbox-targets.ts';
import type { DeliveryStore } from './store/delivery-store.ts';
import { insertDeliveries, type NewDelivery } from './store/rows.ts';
import { enabledWebhooks } from './store/targets.ts';
import type { WakeSignal } from './wakeup.ts';

export function createOutboxWriter(store: Pick<DeliveryStore, 'announce'>, wake: WakeSignal, targets?: OutboxTargets): OutboxWriter {
  async function rowsFor(db: Kysely<Schema>, webhooks: readonly OutboxTarget[], activities: RecordedActivity[], now: Date) {
    const rows: NewDelivery[] = [];
    for (const webhook of webhooks) rows.push(...(await deliveryRowsFor(db, webhook, activities, now)));
    return rows;
  }

  /**
   * The deliveries of one account's activities, written; returns how many. `inserts` (the
   * activities' rows and what the change left to insert with them), when given, are inserted first:
   * with the deliveries in one statement when the remembered webhooks allow.
   */
  async function enqueueAccount(trx: Transaction<Schema>, accountId: string, activities: RecordedActivity[], now: Date, inserts?: TableRows[]): Promise<number> {
    const remembered = targets?.remembered(accountId);
    if (remembered) {
      const rows = await rowsFor(trx, remembered.targets, activities, now);
      if (rows.length > 0) {
        const current = await targets!.insertIfCurrent(trx, accountId, remembered.fingerprint, rows, inserts);
        inserts = undefined; // they are in, whatever the check said
        if (current) return rows.length;
      }
    }
    if (inserts) await insertEach(trx, inserts);
    const webhooks = targets ? await targets.read(trx, accountId) : await enabledWebhooks(trx, accountId);
    const rows = await rowsFor(trx, webhooks, activities, now);
    if (rows.length > 0) await insertDeliveries(trx, rows);
    return rows.length;
  }

  async function enqueue(trx: Transaction<Schema>, activities: RecordedActivity[], now: Date): Promise<number> {
    const byAccount = new Map<string, RecordedActivity[]>();
    for (const activity of activities) byAccount.set(activity.accountId, [...(byAccount.get(activity.accountId) ?? []), activity]);
    let count = 0;
    for (const [accountId, list] of byAccount) count += await enqueueAccount(trx, accountId, list, now);
    return count;
  }

  return {
    enqueue,
    async enqueueWithInsert(trx: Transaction<Schema>, inserts: TableRows[], activities: RecordedActivity[], now) {
      const accountIds = new Set(activities.map((a) => a.accountId));
      const [accountId] = accountIds;
      if (accountIds.size === 1 && accountId !== undefined) return enqueueAccount(trx, accountId, activities, now, inserts);
      await insertEach(trx, inserts);
      return enqueue(trx, activities, now);
    },
    // Only where webhooks are remembered (PostgreSQL): elsewhere the recorder does not even try.
    ...(targets && {
      async insertWithNewLead(db: Kysely<Schema>, lead: GuardedLeadInsert, activityRows: ActivityRows, activities: RecordedActivity[], now: Date) {
        const accountIds = new Set(activities.map((a) => a.accountId));
        const [accountId] = accountIds;
        const remembered = accountIds.size === 1 && accountId !== undefined ? targets.remembered(accountId) : undefined;
        if (!accountId || !remembered) return undefined;
        const rows = await rowsFor(db, remembered.targets, activities, now);
        if (rows.length === 0) return undefined;
        return (await targets.insertWithNewLead(db, accountId, remembered.fingerprint, lead, activityRows, rows)) ? rows.length : undefined;
      },
    }),
    ...(targets && {
      writesAtOnce: (accountId: string) => targets.remembered(accountId) !== undefined,
      async insertOnLead(db: Kysely<Schema>, lead: LeadGuard, inserts: TableRows[], activities: RecordedActivity[], now: Date) {
        const remembered = targets.remembered(lead.accountId);
        if (!remembered || activities.some((a) => a.accountId !== lead.accountId)) return undefined;
        const rows = await rowsFor(db, remembered.targets, activities, now);
        return (await targets.insertOnLead(db, remembered.fingerprint, lead, inserts, rows)) ? rows.length : undefined;
      },
    }),
    committed() {
      wake.wake();
      // Not awaited: the answer to the change does not wait for the wake-up of other processes.
      void store.announce();
    },
  };
}
