// Runs some work while every statement run through a Kysely instance's executeQuery (fixed SQL
// texts, as the write path's batched statements are) is shown to `observe` first, which may hold it
// (a stalled database) by returning a promise.
import type { CompiledQuery, Kysely } from 'kysely';
import type { Schema } from '../../src/storage/schema.ts';

export async function observingQueries<T>(db: Kysely<Schema>, observe: (query: CompiledQuery) => void | Promise<void>, work: () => Promise<T>): Promise<T> {
  const original = db.executeQuery.bind(db);
  db.executeQuery = (async (query: CompiledQuery) => {
    await observe(query);
    return original(query);
  }) as typeof db.executeQuery;
  try {
    return await work();
  } finally {
    db.executeQuery = original;
  }
}

/** The number of rows in a statement's JSON array parameter. */
export const jsonLength = (parameter: unknown) => (JSON.parse(parameter as string) as unknown[]).length;
