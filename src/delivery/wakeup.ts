// Waking workers as soon as there is new work, so latency never depends on a polling interval:
// an in-process signal after commit, and on PostgreSQL a NOTIFY on channel `leadhook_deliveries`
// sent inside the enqueuing transaction (listen-notify.ts hears it). Code that creates due work
// calls one function, `DeliveryStore.inWakingTransaction` (or the outbox, which does both halves).
export const NOTIFY_CHANNEL = 'leadhook_deliveries';

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
