// Prometheus metrics of the delivery engine (docs/SPEC.md §7) on a per-context Registry (tests create
// many apps; the global registry would collide). Queue gauges are read from the database at scrape.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../shared/clock.ts';
import type { Schema } from '../storage/schema.ts';
import { isFailed } from './store/failed.ts';

export interface DeliveryMetrics {
  registry: Registry;
  /** `outcome` is `delivered` or the error category. */
  recordAttempt(outcome: string, durationMs: number): void;
}

/**
 * Failed deliveries, counted webhook by webhook through `deliveries_failed` (SQLite keeps the left
 * side of a CROSS JOIN as the outer loop), so a scrape reads the failed ones only, not every delivery.
 */
export const countFailed = (): RawBuilder<{ n: number | string }> =>
  sql`select count(*) as n from webhooks w cross join deliveries d where d.webhook_id = w.id and ${isFailed('d')}`;

/** Pending deliveries (through the pending-only index) and failed ones (countFailed). */
async function countOpen(db: Kysely<Schema>): Promise<{ pending: number; failed: number }> {
  const [pending, failed] = await Promise.all([
    db.selectFrom('deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirst(),
    countFailed().execute(db),
  ]);
  return { pending: Number(pending?.n ?? 0), failed: Number(failed.rows[0]?.n ?? 0) };
}

export function createDeliveryMetrics(db: Kysely<Schema>, clock: Clock): DeliveryMetrics {
  const registry = new Registry();
  const attempts = new Counter({
    name: 'leadhook_delivery_attempts_total',
    help: 'Delivery attempts by outcome (delivered, or the error category)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'leadhook_delivery_attempt_duration_seconds',
    help: 'Duration of delivery attempts',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [registry],
  });
  // The queue depth and leadhook_deliveries{status} show the same counts: one count per scrape
  // (the registry collects every metric at once), shared by both.
  let counting: Promise<{ pending: number; failed: number }> | undefined;
  const counts = () => (counting ??= countOpen(db).finally(() => (counting = undefined)));
  new Gauge({
    name: 'leadhook_delivery_queue_depth',
    help: 'Pending deliveries (due now or later)',
    registers: [registry],
    async collect() {
      this.set((await counts()).pending);
    },
  });
  new Gauge({
    name: 'leadhook_delivery_oldest_pending_age_seconds',
    help: 'How long the oldest due, undelivered delivery has been waiting',
    registers: [registry],
    async collect() {
      const now = clock.now().getTime();
      const row = await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('at'))
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .executeTakeFirst();
      const at = row?.at === null || row?.at === undefined ? now : Number(row.at);
      this.set(Math.max(0, (now - at) / 1000));
    },
  });
  new Gauge({
    name: 'leadhook_delivery_webhooks_paused',
    help: 'Webhooks their receiver has paused now (429/503 with Retry-After; docs/WEBHOOKS.md, "Back-pressure")',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('webhooks')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('paused_until', '>', clock.now().getTime())
        .executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });
  // Pending and failed only: a count of the succeeded ones read every delivery row the retention
  // keeps, at every scrape (0.75 s for 1,000,000 on SQLite, on the API thread). Successes are
  // counted by leadhook_delivery_attempts_total{outcome="delivered"}.
  const statuses = new Gauge({
    name: 'leadhook_deliveries',
    help: 'Deliveries pending (due now or later) and failed for good, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const { pending, failed } = await counts();
      statuses.set({ status: 'pending' }, pending);
      statuses.set({ status: 'failed' }, failed);
    },
  });
  return {
    registry,
    recordAttempt(outcome, durationMs) {
      attempts.inc({ outcome });
      latency.observe(durationMs / 1000);
    },
  };
}
