// Per-webhook health for the UI chart: per hour over the last N hours, attempts, success rate and
// p50/p95 latency (nearest rank), from the attempt records.
// An hour settles SETTLE_MS after it ends: by then every attempt started in it has been recorded
// (a request lasts at most the delivery timeout, a result waits FLUSH_DELAY_MS). A settled hour's
// figures are computed from its attempts once, by the first call that needs them, and kept in
// `webhook_hour_stats` (migration 025); every later call reads that row. So a call reads the
// attempts of the hours not yet settled (one or two) and of settled hours not yet kept (after an
// upgrade, or an hour that just settled), where it used to read every attempt of the window:
// 1.2 s for a webhook with 483,723 attempts in 24 h on SQLite, on the API thread.
// An attempt recorded more than SETTLE_MS after its hour ended (results held back by a database
// outage) is not in a figure kept before it arrived.
import type { Kysely } from 'kysely';
import type { Schema, WebhookHourStatsRow } from '../storage/schema.ts';

const HOUR_MS = 3_600_000;
export const SETTLE_MS = 10 * 60_000;
/** Kept hours older than this are removed by retention: the longest window the API serves, and a day. */
export const KEEP_HOURS_MS = (168 + 24) * HOUR_MS;

export interface HourBucket {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  attempts: number;
  succeeded: number;
  failed: number;
  /** 0–1, null when there were no attempts. */
  success_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
}

type HourFigures = Omit<WebhookHourStatsRow, 'webhook_id'>;

export async function hourlyStats(db: Kysely<Schema>, webhookId: string, hours: number, now: number): Promise<HourBucket[]> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  const starts = Array.from({ length: hours }, (_, i) => firstHour + i * HOUR_MS);
  // Hours starting before this one have settled.
  const unsettled = Math.floor((now - SETTLE_MS) / HOUR_MS) * HOUR_MS;
  const kept = new Map<number, HourFigures>();
  const rows = await db
    .selectFrom('webhook_hour_stats')
    .select(['hour', 'attempts', 'succeeded', 'p50_ms', 'p95_ms'])
    .where('webhook_id', '=', webhookId)
    .where('hour', '>=', firstHour)
    .where('hour', '<', unsettled)
    .execute();
  for (const row of rows) kept.set(Number(row.hour), { ...row, hour: Number(row.hour) });

  const toCompute = starts.filter((start) => !kept.has(start));
  if (toCompute.length > 0) {
    const computed = await fromAttempts(db, webhookId, toCompute);
    const settled = computed.filter((figures) => figures.hour < unsettled);
    if (settled.length > 0) {
      await db
        .insertInto('webhook_hour_stats')
        .values(settled.map((figures) => ({ webhook_id: webhookId, ...figures })))
        .onConflict((oc) => oc.columns(['webhook_id', 'hour']).doNothing())
        .execute();
    }
    for (const figures of computed) kept.set(figures.hour, figures);
  }
  return starts.map((start) => toBucket(kept.get(start)!));
}

/** The figures of each hour in `starts` (ascending), from one read of the attempts from the first of them on. */
async function fromAttempts(db: Kysely<Schema>, webhookId: string, starts: readonly number[]): Promise<HourFigures[]> {
  const wanted = new Map(starts.map((start) => [start, { ok: 0, failed: 0, durations: [] as number[] }]));
  const rows = await db
    .selectFrom('delivery_attempts')
    .select(['started_at', 'duration_ms', 'succeeded'])
    .where('webhook_id', '=', webhookId)
    .where('started_at', '>=', starts[0]!)
    .where('started_at', '<', starts[starts.length - 1]! + HOUR_MS)
    .execute();
  for (const row of rows) {
    const started = Number(row.started_at);
    const bucket = wanted.get(started - (started % HOUR_MS));
    if (!bucket) continue;
    if (row.succeeded === 1) bucket.ok += 1;
    else bucket.failed += 1;
    bucket.durations.push(row.duration_ms);
  }
  return [...wanted].map(([hour, b]) => {
    const sorted = b.durations.sort((x, y) => x - y);
    return { hour, attempts: b.ok + b.failed, succeeded: b.ok, p50_ms: percentile(sorted, 0.5), p95_ms: percentile(sorted, 0.95) };
  });
}

function toBucket(figures: HourFigures): HourBucket {
  const { hour, attempts, succeeded } = figures;
  return {
    hour: new Date(hour).toISOString(),
    attempts,
    succeeded,
    failed: attempts - succeeded,
    success_rate: attempts === 0 ? null : succeeded / attempts,
    p50_ms: figures.p50_ms,
    p95_ms: figures.p95_ms,
  };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}
