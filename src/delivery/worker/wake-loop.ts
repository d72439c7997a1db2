// The worker's background loop: one round at a time, run again at once when signalled during a
// round (many signals make one round), else after the time until the next due delivery, or the
// fallback poll. A failing round (the database is down) is retried with a backoff and logged once
// per outage, not once per round.
import type { Logger } from '../../shared/logger.ts';

export interface WakeLoopOptions {
  round(): Promise<void>;
  /** Time until the next delivery falls due (ms), or undefined to wait for a signal or the poll. */
  nextDueInMs(): Promise<number | undefined>;
  pollIntervalMs: number;
  logger: Logger;
}

/** Waits after consecutive failed rounds (ms), the last repeated; capped by the poll interval. */
export const ROUND_RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

export class WakeLoop {
  private flag = false;
  private wakeUp: (() => void) | undefined;
  private done: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  /** The last round's error while the outage lasts; undefined when the last round worked. */
  lastError: string | undefined;

  constructor(private readonly options: WakeLoopOptions) {}

  get started(): boolean {
    return this.done !== undefined;
  }

  start(): void {
    this.done ??= this.run();
  }

  /** Asks for another round; many signals before it runs make one round. */
  signal(): void {
    this.flag = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.flag = false;
        await this.options.round();
        this.recovered();
      } catch (error) {
        this.failed(error);
      }
      if (this.stopped) break;
      if (this.flag) continue;
      const delay = this.failures > 0 ? ROUND_RETRY_MS[Math.min(this.failures, ROUND_RETRY_MS.length) - 1] : await this.options.nextDueInMs().catch(() => undefined);
      await this.wait(delay);
    }
  }

  private failed(error: unknown): void {
    this.failures += 1;
    this.lastError = (error as Error).message;
    if (this.failures === 1) this.options.logger.error({ err: error }, 'delivery worker round failed; retrying with backoff');
    else this.options.logger.debug({ err: error, failures: this.failures }, 'delivery worker round failed again');
  }

  private recovered(): void {
    if (this.failures > 0) this.options.logger.info({ failedRounds: this.failures }, 'delivery worker rounds work again');
    this.failures = 0;
    this.lastError = undefined;
  }

  private wait(dueInMs: number | undefined): Promise<void> {
    if (this.flag || this.stopped) return Promise.resolve();
    const poll = this.options.pollIntervalMs;
    const delay = Math.min(poll, dueInMs ?? poll);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.wakeUp = done;
    });
  }
}
