// The database's plan for a query, for tests that prove a statement reads through an index.
import { CompiledQuery, sql } from 'kysely';
import type { Harness } from './harness.ts';

/** The plan for `query`, one line per step (statistics of the delivery tables refreshed first on PostgreSQL). */
export async function explain(h: Harness, query: CompiledQuery): Promise<string> {
  if (h.dialect === 'sqlite') {
    const { rows } = await h.ctx.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    return rows.map((r) => r.detail).join('\n');
  }
  await sql`analyze deliveries`.execute(h.ctx.db);
  await sql`analyze webhooks`.execute(h.ctx.db);
  const { rows } = await h.ctx.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
