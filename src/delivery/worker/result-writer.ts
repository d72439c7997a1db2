// Writes what requests came to: finished attempts (fenced by lease token, then webhook health) and
// deliveries given back. Results are batched: a pass writes what piled up, and the next pass starts
// FLUSH_DELAY_MS later, or at once when a whole batch (FLUSH_BATCH) is waiting. Starting the next
// pass as soon as one ended made a commit every 3–4 ms on SQLite with ~26 results each, and the
// commits were half of the delivery thread's SQL time (docs/BENCHMARKS.md). A failed write is never
// dropped: the batch stays in memory and is retried with a backoff (WRITE_RETRY_MS) until it is
// written, the leases it holds are extended while it waits, and the outage is logged once. Bound:
// with a working database and fewer than FLUSH_BATCH waiting, a result is recorded within
// FLUSH_DELAY_MS plus two transactions of its response (the pass under way, then its own; with
// more waiting, one more transaction per FLUSH_BATCH ahead of it; docs/WEBHOOKS.md).
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Held } from '../store/claim.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import type { EmailDue } from '../store/error-emails.ts';
import type { FinishedAttempt } from '../store/results.ts';

export const FLUSH_DELAY_MS = 10;
export const FLUSH_BATCH = 256;
/** Waits between tries of a failed write (ms), the last repeated. */
export const WRITE_RETRY_MS = [50, 100, 250, 500, 1_000, 2_000];

export interface ResultWriterDeps {
  store: DeliveryStore;
  clock: Clock;
  logger: Logger;
  leaseMs: number;
  autoDisableAfterS: number;
  errorEmailIntervalS: number;
  sendEmails(emails: EmailDue[]): Promise<void>;
  /** Deliveries were given back: they are due again at once. */
  onReleased(): void;
  /** A delivery of a per-lead ordered webhook is no longer pending: its lead's next one may be claimed now. */
  onLeadFreed(): void;
}

export class ResultWriter {
  private results: FinishedAttempt[] = [];
  private releases: Held[] = [];
  /** Recorded attempts whose webhook health is not written yet. */
  private health: FinishedAttempt[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private abandoned = false;
  /** The last write error while writes fail; undefined once one succeeds. */
  lastError: string | undefined;

  constructor(private readonly deps: ResultWriterDeps) {}

  add(attempt: FinishedAttempt): void {
    this.results.push(attempt);
    this.schedule();
  }

  giveBack(held: Held): void {
    this.releases.push(held);
    this.schedule();
  }

  get pending(): number {
    return this.results.length + this.releases.length + this.health.length;
  }

  /** Writes everything pending now; resolves when nothing is left (retrying failures). */
  async flush(): Promise<void> {
    // Pass after pass, without the batch delay, until nothing is left (a pass under way when this
    // is called may stop with something left for the timer).
    do await this.write();
    while (this.pending > 0 && !this.abandoned);
  }

  /**
   * Starts writing, unless a write runs already. It stops after a pass that leaves less than a
   * batch pending, and what is pending waits for the timer (or the next `flush` pass).
   */
  private write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.writeAll().finally(() => {
      this.flushing = undefined;
      // What the last pass left for the timer, or what arrived as it ended.
      if (this.pending > 0 && !this.abandoned) this.schedule();
    });
    return this.flushing;
  }

  /** Stops retrying (the worker's stop timed out); what is pending is left to the leases. */
  abandon(): void {
    this.abandoned = true;
    if (this.pending > 0) this.deps.logger.error({ pending: this.pending }, 'stopping with unrecorded delivery results; their leases will run out and they will be sent again');
  }

  private schedule(): void {
    if (this.flushing) return; // the running write schedules again when it ends
    if (this.results.length >= FLUSH_BATCH) void this.write();
    else this.timer ??= setTimeout(() => void this.write(), FLUSH_DELAY_MS);
  }

  private async writeAll(): Promise<void> {
    // Yield first, so that `this.flushing` is set before the finally above clears it.
    await Promise.resolve();
    while (this.pending > 0 && !this.abandoned) {
      try {
        await this.writeOnce();
        const wait = this.failures === 0 && this.results.length < FLUSH_BATCH;
        if (wait) break; // what came in meanwhile waits for the timer, to be written with what follows
        if (this.failures > 0) this.deps.logger.info({ failedWrites: this.failures }, 'delivery results are recorded again');
        this.failures = 0;
        this.lastError = undefined;
      } catch (error) {
        this.failures += 1;
        this.lastError = (error as Error).message;
        if (this.failures === 1) this.deps.logger.error({ err: error, pending: this.pending }, 'recording delivery results failed; keeping them and retrying');
        await this.extendLeases();
        await sleep(WRITE_RETRY_MS[Math.min(this.failures, WRITE_RETRY_MS.length) - 1]!);
      }
    }
  }

  /** One pass: releases, then a batch of results, then the health of what was recorded. */
  private async writeOnce(): Promise<void> {
    if (this.releases.length > 0) {
      const releases = this.releases.splice(0);
      await this.store(() => this.deps.store.release(releases), () => this.releases.unshift(...releases));
      this.deps.onReleased();
    }
    if (this.results.length > 0) {
      const batch = this.results.splice(0, FLUSH_BATCH);
      const { recorded, emails } = await this.store(() => this.deps.store.recordResults(batch, this.healthSettings()), () => this.results.unshift(...batch));
      // Health written with the results (SQLite), or still to write (PostgreSQL: its own transaction).
      if (emails) await this.deps.sendEmails(emails);
      else this.health.push(...recorded);
      if (recorded.some((a) => a.holdsLead && a.next.status !== 'pending')) this.deps.onLeadFreed();
    }
    if (this.health.length > 0) {
      const batch = this.health.splice(0);
      const emails = await this.store(() => this.deps.store.recordHealth(batch, this.healthSettings()), () => this.health.unshift(...batch));
      await this.deps.sendEmails(emails);
    }
  }

  private healthSettings() {
    return { now: this.deps.clock.now().getTime(), autoDisableAfterS: this.deps.autoDisableAfterS, errorEmailIntervalS: this.deps.errorEmailIntervalS };
  }

  /** Runs a write; on failure puts its items back first, in order, then rethrows. */
  private async store<T>(write: () => Promise<T>, putBack: () => void): Promise<T> {
    try {
      return await write();
    } catch (error) {
      putBack();
      throw error;
    }
  }

  /** While results wait, their leases must not run out (another worker would send them again). */
  private async extendLeases(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const expiring = this.results.filter((a) => a.delivery.lease_until - now < this.deps.leaseMs / 2);
    if (expiring.length === 0) return;
    const until = now + this.deps.leaseMs;
    try {
      await this.deps.store.extendLeases(
        expiring.map((a) => ({ id: a.delivery.id, token: a.delivery.lease_token })),
        until,
      );
      for (const attempt of expiring) attempt.delivery.lease_until = until;
    } catch {
      // The database is still away; the write's own retry reports it.
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
