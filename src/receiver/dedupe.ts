// Drops redelivered events: leadhook delivers at least once, and every retry or replay of an event
// carries the same `webhook-id`. Memory is bounded twice: entries expire after `ttlMs`, and past
// `maxEntries` the oldest are forgotten first. For several receiver processes, dedupe in your
// database instead (a unique key on webhook-id).
export interface DeduperOptions {
  /** How long an id is remembered (default 24 h; leadhook's retries span ~3 days). */
  ttlMs?: number;
  /** The most ids held at once (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

export interface Deduper {
  /** True the first time an id is seen (within the TTL), false for a repeat; records the id. */
  firstTime(id: string): boolean;
  /** Forgets an id (call it when handling failed, so the retry is processed). */
  forget(id: string): void;
  readonly size: number;
}

export function createDeduper(options: DeduperOptions = {}): Deduper {
  const ttlMs = options.ttlMs ?? 24 * 3_600_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is expiry order (every entry has the same TTL), so the oldest come first.
  const expiries = new Map<string, number>();

  function evict(at: number): void {
    for (const [id, expiry] of expiries) {
      if (expiry > at && expiries.size <= maxEntries) break;
      expiries.delete(id);
    }
  }

  return {
    firstTime(id) {
      const at = now();
      evict(at);
      const expiry = expiries.get(id);
      if (expiry !== undefined && expiry > at) return false;
      expiries.set(id, at + ttlMs);
      evict(at);
      return true;
    },
    forget(id) {
      expiries.delete(id);
    },
    get size() {
      return expiries.size;
    },
  };
}
