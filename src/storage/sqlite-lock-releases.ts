// Wake-ups for connections waiting for SQLite's write lock. The connections of one process to one
// database file (the API thread's, the delivery thread's) each post on a BroadcastChannel named
// after the file when they end a write transaction; a statement refused with SQLITE_BUSY
// (sqlite-dialect.ts) is retried at that moment instead of after a fixed wait, which missed the
// gaps between the other thread's transactions (the delivery thread waited up to 50 ms for the lock
// under 1,000 writes/s: docs/BENCHMARKS.md). A hint only: a wait still ends at its timeout, and
// other processes (the CLI) are not told.
export class LockReleases {
  private readonly channel: BroadcastChannel;
  private waiting: Array<() => void> = [];

  constructor(file: string) {
    this.channel = new BroadcastChannel(`leadhook-sqlite-lock:${file}`);
    // Listening must not keep a process alive that has nothing else to do.
    (this.channel as BroadcastChannel & { unref(): void }).unref();
    this.channel.onmessage = () => {
      const waiting = this.waiting;
      this.waiting = [];
      for (const wake of waiting) wake();
    };
  }

  /** This connection ended a write transaction (committed or rolled back). */
  released(): void {
    this.channel.postMessage(0);
  }

  /** Resolves when another connection ends a write transaction, or after `timeoutMs`; says which. */
  next(timeoutMs: number): Promise<'released' | 'timeout'> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve('released');
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== wake);
        resolve('timeout');
      }, timeoutMs);
      this.waiting.push(wake);
    });
  }

  close(): void {
    this.channel.close();
  }
}
