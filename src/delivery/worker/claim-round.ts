// One claim round: per lane, each webhook with due work and room in its local queue gets up to its
// room, under a lease with a fresh token. Deliveries of a webhook disabled meanwhile are failed.
import type { Clock } from '../../shared/clock.ts';
import type { LocalQueues } from '../local-queues.ts';
import { LANES, type Held } from '../store/claim.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';

export interface ClaimRoundDeps {
  store: DeliveryStore;
  queues: LocalQueues;
  clock: Clock;
  workerId: string;
  leaseMs: number;
  isStopping(): boolean;
}

export class ClaimRound {
  private claims = 0;
  /** The clock time (ms) the last round looked for due work at; undefined before the first. */
  lastLookedAt: number | undefined;

  constructor(private readonly deps: ClaimRoundDeps) {}

  /** Claims into the local queues; returns how many deliveries were claimed. */
  async run(): Promise<number> {
    const { store, queues, clock, leaseMs, workerId } = this.deps;
    let claimed = 0;
    const now = clock.now().getTime();
    this.lastLookedAt = now;
    const dueByLane = await store.webhooksWithDueWork(now);
    for (const lane of LANES) {
      if (this.deps.isStopping()) break;
      const due = dueByLane[lane];
      const rooms = queues.rooms(lane, due.map((d) => d.id));
      if (rooms.size === 0) continue;
      const ordered = new Set(due.filter((d) => d.ordering === 'per_lead').map((d) => d.id));
      this.claims += 1;
      const leaseToken = `${workerId}.${this.claims}`;
      const rows = await store.claim({ lane, rooms, ordered, now, leaseMs, workerId, leaseToken });
      if (rows.length === 0) continue;
      claimed += rows.length;
      const targets = await store.loadWebhookTargets(rows.map((d) => d.webhook_id));
      const orphaned: Held[] = [];
      const got = new Map<string, number>();
      for (const delivery of rows) {
        const target = targets.get(delivery.webhook_id);
        got.set(delivery.webhook_id, (got.get(delivery.webhook_id) ?? 0) + 1);
        if (!target || target.enabled !== 1) orphaned.push({ id: delivery.id, token: delivery.lease_token });
        else queues.add({ delivery, target, lane, leaseUntil: delivery.lease_until });
      }
      for (const [webhookId, n] of got) queues.claimed(lane, webhookId, rooms.get(webhookId) ?? 0, n);
      await store.failOrphans(orphaned, now);
    }
    return claimed;
  }
}
