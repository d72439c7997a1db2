// PostgreSQL parses, analyses and plans every unnamed statement again on every call: under the API
// write load that was about a third of the server's CPU (docs/BENCHMARKS.md). This client names the
// statements that recur, so each connection parses and plans them once and then only binds and
// executes them; the PostgreSQL counterpart of statement-cache.ts.
// - A text is named once it has been seen twice in this process: one-off statements (migrations,
//   `in (…)` lists of a rare length) stay unnamed and leave nothing behind on the server.
// - Each connection keeps at most `capacity` named statements; the least recently used one is
//   deallocated on the server when another is added. A name is never reused, so a DEALLOCATE that
//   fails (inside an aborted transaction) leaves one idle statement and no conflict.
// - Statements without parameters (BEGIN, COMMIT, DDL) keep the simple protocol.
// - A text that starts with PLANNED_EACH_TIME is never named. A named statement's generic plan is
//   made once per connection from the table statistics of that moment and kept until they change
//   (ANALYZE, VACUUM), so one that joins a table with an array whose length the planner cannot see
//   may keep a sequential scan chosen while the table was small, long after it has grown: planned
//   each time, it sees the array's length and the table's present size.
import pg from 'pg';

/** The first thing in a statement that must be planned on every call (see above). */
export const PLANNED_EACH_TIME = '/* planned each time */';

/** Texts counted process-wide before they are named; cleared when it reaches this many. */
const SEEN_LIMIT = 10_000;
const seen = new Map<string, number>();
let lastName = 0;

/** Whether `text` has now been seen often enough to be worth a named statement. */
function recurring(text: string): boolean {
  const count = (seen.get(text) ?? 0) + 1;
  if (count === 1 && seen.size >= SEEN_LIMIT) seen.clear();
  seen.set(text, count);
  return count >= 2;
}

export class PreparingClient extends pg.Client {
  /** Statement name by text, least recently used first. */
  private readonly named = new Map<string, string>();
  static capacity = 100;

  /** The name to run `text` under on this connection, or undefined to run it unnamed. */
  private nameFor(text: string): string | undefined {
    const name = this.named.get(text);
    if (name !== undefined) {
      this.named.delete(text);
      this.named.set(text, name);
      return name;
    }
    if (!recurring(text)) return undefined;
    if (this.named.size >= PreparingClient.capacity) this.evictOldest();
    const fresh = `lh_${++lastName}`;
    this.named.set(text, fresh);
    return fresh;
  }

  /** Stops using `text`'s name here and deallocates it on the server. */
  private forget(text: string, name: string): void {
    this.named.delete(text);
    // pg remembers every statement it parsed on the connection; names are never reused, so forget it.
    delete (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements[name];
    super.query(`DEALLOCATE ${name}`).catch(() => {
      // In an aborted transaction: the statement stays on the server, unused, until the connection ends.
    });
  }

  private evictOldest(): void {
    const [text, name] = this.named.entries().next().value as [string, string];
    this.forget(text, name);
  }

  // pg's overloads are many; only (text, values) with values and no callback is rewritten.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined && !text.startsWith(PLANNED_EACH_TIME)) {
      const name = this.nameFor(text);
      if (name !== undefined) {
        // A migration by another process that changes what a prepared statement returns fails it
        // ("cached plan must not change result type"); that call fails, the next prepares it again.
        const result = super.query({ name, text, values }) as Promise<unknown>;
        return result.catch((error: { code?: string }) => {
          if (error.code === '0A000' && this.named.get(text) === name) this.forget(text, name);
          throw error;
        }) as never;
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
