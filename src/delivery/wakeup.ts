// Waking workers as soon as there is new work, so latency never depends on a polling interval
// (PRODUCT §6): an in-process signal after commit, and on PostgreSQL a NOTIFY sent inside the
// enqueuing transaction (delivered to listeners only if it commits) on channel `leadhook_deliveries`.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../storage/database.ts';
import type { Schema } from '../storage/schema.ts';

export const NOTIFY_CHANNEL = 'leadhook_deliveries';

/** The in-process half: workers subscribe, the outbox and the API signal. */
export class WakeSignal {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wake(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Inside a transaction that created due deliveries: tells every PostgreSQL worker on commit. */
export async function notifyWorkers(db: Kysely<Schema>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_notify(${NOTIFY_CHANNEL}, '')`.execute(db);
}
