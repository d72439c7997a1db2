// Waking workers as soon as there is new work, so latency never depends on a polling interval:
// an in-process signal after commit, and on PostgreSQL a NOTIFY on channel `leadhook_deliveries`
// sent after the commit (listen-notify.ts hears it). Code that creates due work calls one function,
// `DeliveryStore.inWakingTransaction` (or the outbox, which does both halves).
//
// The NOTIFY is not sent inside the enqueuing transaction: PostgreSQL serializes the commits of
// transactions that NOTIFY (a global lock held through the WAL flush), which capped the API's write
// rate. After the commit, and coalesced (Announcer): one NOTIFY in flight at a time, and the pokes
// that arrive meanwhile share the next one. It is only a wake-up: a lost one (the process died
// between COMMIT and NOTIFY) costs a worker's poll interval, never a delivery.
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
