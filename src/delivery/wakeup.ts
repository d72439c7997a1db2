// Waking workers as soon as there is new work, so latency never depends on a polling interval:
// an in-process signal after commit, and on PostgreSQL a NOTIFY on channel `leadhook_deliveries`
// sent after the commit (listen-notify.ts hears it). Code that creates due work calls one function,
// `DeliveryStore.inWakingTransaction` (or the outbox, which does both halves).
//
// The NOTIFY is not sent inside the enqueuing transaction: PostgreSQL serializes the commits of
// transactions that NOTIFY (a global lock held through the WAL flush), which capped the API's write
// rate. After the commit, and coalesced (Announcer): one NOTIFY in flight at a time, and the pokes
// that arrive meanwhile share the next one. It is only a wake-up: a lost one (the process died
// between COMMIT and NOTIFY) costs a worker's poll interval, never a delivery. And it is sent only
// while a worker of another process is registered (listenersElsewhere).
export const NOTIFY_CHANNEL = 'leadhook_deliveries';

/** Sends at most one announcement at a time; pokes made while one is on its way share the next. */
export class Announcer {
  private next: { promise: Promise<void>; resolve: () => void } | undefined;
  private sending = false;

  constructor(private readonly send: () => Promise<void>) {}

  /** Resolves once an announcement sent after this call went out (or failed: it is only a hint). */
  poke(): Promise<void> {
    if (!this.next) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.next = { promise, resolve };
    }
    const { promise } = this.next;
    if (!this.sending) void this.drain();
    return promise;
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.next) {
      const batch = this.next;
      this.next = undefined;
      await this.send().catch(() => {});
      batch.resolve();
    }
    this.sending = false;
  }
}

/** How long an answer to "does a worker run in another process?" is used before asking again (ms). */
export const LISTENERS_RECHECK_MS = 1_000;

/**
 * Whether a NOTIFY could wake anyone, asked at most once per LISTENERS_RECHECK_MS: `serve` alone on
 * PostgreSQL has only its own delivery thread, which the in-process signal already woke, and its
 * NOTIFY was a sixth round trip per API write. A worker started in another process is seen within a
 * second (until then it finds new work by its own start-up round and its poll); if the question
 * fails, the answer is yes (a NOTIFY too many is harmless, one too few costs a poll interval).
 */
export function listenersElsewhere(ask: () => Promise<boolean>, now: () => number = Date.now): () => Promise<boolean> {
  let askedAt = -Infinity;
  let answer = true;
  return async () => {
    const at = now();
    if (at - askedAt >= LISTENERS_RECHECK_MS) {
      askedAt = at;
      answer = await ask().catch(() => true);
    }
    return answer;
  };
}

/** The in-process half: workers subscribe, the outbox and the store signal after commit. */
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
