// The completeness audit (docs/WEBHOOKS.md, "Completeness audit"): for a webhook and a window
// [from, to) of activity time, every event id (`webhook-id` = activity `_id`) it should have
// received — the account's activities that match its current filter, plus any activity it has a
// delivery or ledger row for — with its status, the totals, and a digest a receiver recomputes
// over the ids it got. Read-only; bounded by AUDIT_MAX_ACTIVITIES (a larger window is refused).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isoSeconds } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { windowBounds, windowPage, type ActivityWindow } from './activity-window.ts';
import { parseEvents, wantsEvent } from './event-filter.ts';

/** Activities of the account in one window, at most; narrow the window (or split it) beyond. */
export const AUDIT_MAX_ACTIVITIES = 50_000;
const PAGE = 1000;

export type AuditStatus = 'succeeded' | 'pending' | 'failed' | 'not_attempted';

export interface AuditEvent {
  id: string;
  type: string;
  created_at: string;
  status: AuditStatus;
  /** The delivery whose status this is; null when none was made or retention pruned it (the ledger's). */
  delivery_id: string | null;
}

export interface Audit {
  webhook_id: string;
  from: string;
  to: string;
  totals: Record<AuditStatus, number> & { expected: number };
  /** sha256 hex of the sorted succeeded ids joined by "\n" (docs/WEBHOOKS.md). */
  digest: string;
  digest_of: string;
  events: AuditEvent[];
}

export const DIGEST_OF = 'sha256 hex of the succeeded event ids, sorted ascending, joined by "\\n" (no trailing newline)';

/** The digest of a set of event ids; the receiver computes the same over the ids it got. */
export function eventDigest(ids: Iterable<string>): string {
  return createHash('sha256').update([...ids].sort().join('\n')).digest('hex');
}

export async function auditWebhook(db: Kysely<Schema>, webhook: { id: string; account_id: string; events: string }, from: number, to: number): Promise<Audit> {
  const window: ActivityWindow = { accountId: webhook.account_id, from, to, types: null };
  const { count, first, last } = await windowBounds(db, window);
  if (count > AUDIT_MAX_ACTIVITIES) {
    throw new AppError('validation_failed', `The window holds ${count} activities; an audit covers at most ${AUDIT_MAX_ACTIVITIES}: narrow or split it`, {
      activities: count,
      max: AUDIT_MAX_ACTIVITIES,
    });
  }
  const events = parseEvents(webhook.events);
  const out: AuditEvent[] = [];
  for (let cursor: number | null = null; first !== null && last !== null; ) {
    const rows = await windowPage(db, window, { first, last }, cursor).select(['seq', 'id', 'type', 'created_at']).limit(PAGE).execute();
    if (rows.length === 0) break;
    cursor = Number(rows[rows.length - 1]!.seq);
    const statuses = await knownStatuses(db, webhook.id, rows.map((row) => row.id));
    for (const row of rows) {
      const known = statuses.get(row.id);
      if (!known && !wantsEvent(events, row.type)) continue;
      out.push({ id: row.id, type: row.type, created_at: isoSeconds(new Date(row.created_at)), status: known?.status ?? 'not_attempted', delivery_id: known?.deliveryId ?? null });
    }
    if (rows.length < PAGE) break;
  }
  const totals = { expected: out.length, succeeded: 0, pending: 0, failed: 0, not_attempted: 0 };
  for (const event of out) totals[event.status]++;
  return {
    webhook_id: webhook.id,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    totals,
    digest: eventDigest(out.filter((e) => e.status === 'succeeded').map((e) => e.id)),
    digest_of: DIGEST_OF,
    events: out,
  };
}

interface Known {
  status: AuditStatus;
  deliveryId: string | null;
}

/** Status per activity: the delivery row's, else the ledger's (a pruned delivery), else none. */
async function knownStatuses(db: Kysely<Schema>, webhookId: string, ids: string[]): Promise<Map<string, Known>> {
  const statuses = new Map<string, Known>();
  const ledger = await db.selectFrom('delivery_ledger').select(['activity_id', 'status']).where('webhook_id', '=', webhookId).where('activity_id', 'in', ids).execute();
  for (const row of ledger) statuses.set(row.activity_id, { status: row.status, deliveryId: null });
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['id', 'activity_id', 'status'])
    .where('webhook_id', '=', webhookId)
    .where('activity_id', 'in', ids)
    .where('is_test', '=', 0)
    .execute();
  // A live row wins, except that a pruned success stays a success (it was received).
  for (const row of deliveries) {
    if (statuses.get(row.activity_id)?.status !== 'succeeded') statuses.set(row.activity_id, { status: row.status, deliveryId: row.id });
  }
  return statuses;
}
