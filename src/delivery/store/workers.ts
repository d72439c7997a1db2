// Running delivery workers and their heartbeats (migration 010), so that the claims of a worker
// that died are released within seconds rather than when their lease runs out (docs/WEBHOOKS.md,
// "Delivery state and faults"). A worker is dead when its heartbeat is older than STALE_AFTER_MS,
// or at once when it ran on this host and its process is gone (a restarted `serve`).
import type { Kysely } from 'kysely';
import type { Schema } from '../../storage/schema.ts';

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

/** How often a worker writes its heartbeat (ms). */
export const HEARTBEAT_MS = 2_000;
/** A worker silent this long is dead: its claims are released (ms). */
export const STALE_AFTER_MS = 10_000;

export async function registerWorker(db: Kysely<Schema>, me: WorkerIdentity, now: number): Promise<void> {
  await db.insertInto('delivery_workers').values({ ...me, started_at: now, heartbeat_at: now }).execute();
}

/** Returns false when this worker was declared dead meanwhile (its row is gone): it must re-register. */
export async function beat(db: Kysely<Schema>, workerId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('delivery_workers').set({ heartbeat_at: now }).where('id', '=', workerId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function unregisterWorker(db: Kysely<Schema>, workerId: string): Promise<void> {
  await db.deleteFrom('delivery_workers').where('id', '=', workerId).execute();
}

/** The other workers known to the database (for the SQLite single-process check and the sweep). */
export async function otherWorkers(db: Kysely<Schema>, workerId: string) {
  return db.selectFrom('delivery_workers').selectAll().where('id', '!=', workerId).execute();
}

/**
 * Whether a worker of another process is registered (alive or not yet swept): someone a NOTIFY could
 * wake. Workers of this process hear the in-process signal instead.
 */
export async function workersElsewhere(db: Kysely<Schema>, host: string, pid: number): Promise<boolean> {
  const row = await db
    .selectFrom('delivery_workers')
    .select('id')
    .where((eb) => eb.or([eb('host', '!=', host), eb('pid', '!=', pid)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Releases every pending claim of these workers and forgets them; returns how many claims. */
export async function releaseWorkers(db: Kysely<Schema>, workerIds: readonly string[]): Promise<number> {
  if (workerIds.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ lease_until: null, leased_by: null, lease_token: null })
      .where('status', '=', 'pending')
      .where('leased_by', 'in', [...workerIds])
      .executeTakeFirst();
    await trx.deleteFrom('delivery_workers').where('id', 'in', [...workerIds]).execute();
    return Number(result.numUpdatedRows);
  });
}

/**
 * One process runs the SQLite worker: at its start every claim of another process is released at
 * once (that process is gone; SQLite is one machine's file), keeping only this process's workers.
 */
export async function releaseClaimsOfOtherProcesses(db: Kysely<Schema>, liveHere: readonly string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let update = trx
      .updateTable('deliveries')
      .set({ lease_until: null, leased_by: null, lease_token: null })
      .where('status', '=', 'pending')
      .where('leased_by', 'is not', null);
    if (liveHere.length > 0) update = update.where('leased_by', 'not in', [...liveHere]);
    const result = await update.executeTakeFirst();
    let forget = trx.deleteFrom('delivery_workers');
    if (liveHere.length > 0) forget = forget.where('id', 'not in', [...liveHere]);
    await forget.execute();
    return Number(result.numUpdatedRows);
  });
}
