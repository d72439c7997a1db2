// An account's activities in a window [from, to) of activity time, read in activity order
// (`seq`) page by page: what the completeness audit (audit.ts) and replay (store/replay.ts) walk.
// The window's first and last `seq` are found first, through `(account_id, created_at)`; each page
// is then a range of `(account_id, seq)` between them. A page bounded only by its cursor started
// at the account's first activity, and the last page ran to its newest: a window last week read
// every activity the account ever had before it, and every one since.
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';

export interface ActivityWindow {
  accountId: string;
  /** Activity time, ms: from ≤ created_at < to. */
  from: number;
  to: number;
  /** Only these types; null for all. */
  types: string[] | null;
}

export interface WindowBounds {
  /** Activities in the window. */
  count: number;
  /** Their first and last `seq`; null when there are none. */
  first: number | null;
  last: number | null;
}

/** The window's activities, as a query to narrow further. */
export function inWindow(db: Kysely<Schema>, w: ActivityWindow) {
  let query = db.selectFrom('activities').where('account_id', '=', w.accountId).where('created_at', '>=', w.from).where('created_at', '<', w.to);
  if (w.types) query = query.where('type', 'in', w.types);
  return query;
}

export async function windowBounds(db: Kysely<Schema>, w: ActivityWindow): Promise<WindowBounds> {
  const row = await inWindow(db, w)
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
    .executeTakeFirstOrThrow();
  const seq = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return { count: Number(row.n), first: seq(row.first), last: seq(row.last) };
}

/**
 * The window's activities after `after` (a `seq`; null to start at the first), in `seq` order,
 * within the window's bounds (`windowBounds`, which must have found some); select the columns and
 * a limit on it.
 */
export function windowPage(db: Kysely<Schema>, w: ActivityWindow, bounds: { first: number; last: number }, after: number | null) {
  return inWindow(db, w)
    .where('seq', '>=', after === null ? bounds.first : after + 1)
    .where('seq', '<=', bounds.last)
    .orderBy('seq');
}
