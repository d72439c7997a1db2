// Per-webhook health for the UI chart: per hour over the last N hours, attempts, success rate and
// p50/p95 latency (nearest rank), from the attempt records.
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';

const HOUR_MS = 3_600_000;

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

export async function hourlyStats(db: Kysely<Schema>, webhookId: string, hours: number, now: number): Promise<HourBucket[]> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  const rows = await db
    .selectFrom('delivery_attempts')
    .select(['started_at', 'duration_ms', 'succeeded'])
    .where('webhook_id', '=', webhookId)
    .where('started_at', '>=', firstHour)
    .execute();
  const buckets = Array.from({ length: hours }, () => ({ ok: 0, failed: 0, durations: [] as number[] }));
  for (const row of rows) {
    const bucket = buckets[Math.floor((row.started_at - firstHour) / HOUR_MS)];
    if (!bucket) continue;
    if (row.succeeded === 1) bucket.ok += 1;
    else bucket.failed += 1;
    bucket.durations.push(row.duration_ms);
  }
  return buckets.map((b, i) => {
    const attempts = b.ok + b.failed;
    const sorted = b.durations.sort((x, y) => x - y);
    return {
      hour: new Date(firstHour + i * HOUR_MS).toISOString(),
      attempts,
      succeeded: b.ok,
      failed: b.failed,
      success_rate: attempts === 0 ? null : b.ok / attempts,
      p50_ms: percentile(sorted, 0.5),
      p95_ms: percentile(sorted, 0.95),
    };
  });
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}
