// Runs some work while every statement run through a Kysely instance's executeQuery (fixed SQL
// texts, as the write path's batched statements are) is shown to `observe` first, which may hold it
// (a stalled database) by returning a promise.
import assert from 'node:assert/strict';
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

export interface HeldStatement {
  /** Resolves once the statement is being held. */
  reached(): Promise<void>;
  /** Lets it go on (also done when the work ends). */
  release(): void;
}

/**
 * Holds the first statement whose text includes `marker`, as with the database stalled under it,
 * while `work` runs.
 */
export async function withFirstStatementHeld<T>(db: Kysely<Schema>, marker: string, work: (held: HeldStatement) => Promise<T>): Promise<T> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const hold = async (query: CompiledQuery) => {
    if (held || !query.sql.includes(marker)) return;
    held = true;
    await gate;
  };
  const reached = async () => {
    while (!held) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return observingQueries(db, hold, async () => {
    try {
      return await work({ reached, release });
    } finally {
      release();
    }
  });
}

/** The answer to a caller that waited for a stalled database as long as for a connection: 503 with Retry-After. */
export function assertWaitedOut(answer: { status: number; body: unknown; headers: Record<string, unknown> }): void {
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.ok(Number(answer.headers['retry-after']) > 0);
}
