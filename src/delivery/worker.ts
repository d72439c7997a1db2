// The delivery worker (PRODUCT §4, §6). It claims due deliveries per webhook, at most what each
// webhook's local queue can hold (`LocalQueues`: 2 × the per-webhook cap per lane), and starts them
// from those queues as slots free up: at most `maxInFlightPerWebhook` requests per webhook, first
// attempts before retries (two lanes, each with its own concurrency). So nothing claimed is given
// back, a saturated webhook never blocks the claim for the others, and one claim serves many
// requests: a claim runs only when a webhook regains room (half its hold), on new work (in-process
// signal, PostgreSQL NOTIFY), when the next retry falls due, or on a slow fallback poll — never
// more than one at a time. Finished attempts are written in batched transactions; the emails they
// decide are sent after commit. Tests drive it deterministically with `runOnce()`/`drain()`.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Dialect } from '../storage/database.ts';
import type { Schema } from '../storage/schema.ts';
import type { Mailer } from '../notifications/mailer.ts';
import { webhookEmail } from '../notifications/webhook-emails.ts';
import { claimDueDeliveries, nextDueAt, releaseDeliveries, webhooksWithDueWork, type Lane } from './claim-due-deliveries.ts';
import { completeAttempts, type FinishedAttempt } from './complete-deliveries.ts';
import { deliverOnce, type AttemptSettings } from './deliver-one.ts';
import type { EmailDue } from './email-due.ts';
import { listenForWork, type Listener } from './listen-notify.ts';
import { LANES, LocalQueues, type Queued } from './local-queues.ts';
import { runMaintenance } from './maintenance.ts';
import type { DeliveryMetrics } from './metrics.ts';
import type { Sender } from './send-request.ts';
import { loadWebhookTargets } from './webhook-target.ts';
import type { WakeSignal } from './wakeup.ts';

export interface WorkerSettings {
  retrySchedule: readonly number[];
  retryJitter: number;
  deliveryTimeoutMs: number;
  connectTimeoutMs: number;
  errorEmailIntervalS: number;
  autoDisableAfterS: number;
  maxInFlightPerWebhook: number;
  retentionDays: number;
  publicUrl: string;
}

export interface WorkerDeps {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** For LISTEN on PostgreSQL. */
  postgresUrl: string | undefined;
  clock: Clock;
  random: () => number;
  logger: Logger;
  sender: Sender;
  mailer: Mailer;
  metrics: DeliveryMetrics | undefined;
  wake: WakeSignal;
  settings: WorkerSettings;
  userAgent: string;
  /** Requests in flight per lane. */
  firstLaneConcurrency?: number;
  retryLaneConcurrency?: number;
  /** Safety-net poll when no signal arrives (ms). */
  pollIntervalMs?: number;
}

const MAINTENANCE_EVERY_MS = 30_000;
/**
 * Finished attempts wait this long (or until FLUSH_BATCH pile up) to be written together: one
 * transaction per batch instead of one per request, which on SQLite also frees the one connection
 * the API needs. The slot is free at once; only the write waits (the lease covers it).
 */
const FLUSH_DELAY_MS = 10;
const FLUSH_BATCH = 256;

export class DeliveryWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`;
  private readonly queues: LocalQueues;
  private readonly running = new Set<Promise<void>>();
  private finished: FinishedAttempt[] = [];
  private toRelease: string[] = [];
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private loopDone: Promise<void> | undefined;
  private wakeFlag = false;
  private wakeUp: (() => void) | undefined;
  private stopping = false;
  private listener: Listener | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastMaintenance = 0;
  private lastError: string | undefined;
  private readonly capacity: Record<Lane, number>;
  private readonly leaseMs: number;
  /** A queued delivery may start only while at least this much of its lease is left (ms). */
  private readonly startMarginMs: number;
  private readonly attemptSettings: AttemptSettings;

  constructor(private readonly deps: WorkerDeps) {
    this.capacity = { first: deps.firstLaneConcurrency ?? 128, retry: deps.retryLaneConcurrency ?? 64 };
    const s = deps.settings;
    // A lease outlives the wait in the local queue plus the request (connect + total timeout) with
    // a margin, so it only runs out when its worker died; then another worker takes the delivery
    // over. A delivery starts only while its lease still covers a whole request (`startMarginMs`);
    // one that waited longer in its webhook's queue (behind a slow endpoint) is given back.
    this.leaseMs = s.connectTimeoutMs + 2 * s.deliveryTimeoutMs + 5_000;
    this.startMarginMs = s.connectTimeoutMs + s.deliveryTimeoutMs + 2_000;
    // Each webhook holds up to 4 × cap per lane and is claimed for again when it has room for a
    // cap's worth: a fast endpoint (1 ms per request) must not run dry during a claim round trip
    // (tens of ms on a busy PostgreSQL); a slow one only holds what it will send within its lease.
    const cap = s.maxInFlightPerWebhook;
    this.queues = new LocalQueues({ perWebhookCap: cap, holdPerLane: 4 * cap, minRoom: cap });
    // Every request listens for the worker's stop; there are more than Node's default 10 at once.
    setMaxListeners(0, this.abort.signal);
    this.attemptSettings = {
      clock: deps.clock,
      random: deps.random,
      retrySchedule: s.retrySchedule,
      retryJitter: s.retryJitter,
      userAgent: deps.userAgent,
    };
  }

  /** One deterministic round: claim what is due now, send it all, record it, run maintenance. */
  async runOnce(): Promise<number> {
    const claimed = await this.fill();
    await this.settle();
    await this.maintain(true);
    return claimed;
  }

  /** Rounds until nothing is due at the current clock time. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Runs in the background until stop(). */
  start(): void {
    if (this.loopDone) return;
    this.unsubscribe = this.deps.wake.subscribe(() => this.signal());
    if (this.deps.dialect === 'postgres' && this.deps.postgresUrl) {
      this.listener = listenForWork(this.deps.postgresUrl, () => this.signal(), this.deps.logger);
    }
    this.loopDone = this.loop();
  }

  /** Stops claiming, gives back what waits, lets requests in flight finish (aborted after `graceMs`), records them. */
  async stop(graceMs = this.deps.settings.deliveryTimeoutMs): Promise<void> {
    this.stopping = true;
    this.signal();
    this.unsubscribe?.();
    await this.listener?.close();
    await this.loopDone;
    for (const item of this.queues.takeAllWaiting()) this.toRelease.push(item.delivery.id);
    const timer = setTimeout(() => this.abort.abort(new Error('worker stopping')), graceMs);
    await this.settle();
    clearTimeout(timer);
    await this.deps.sender.close();
  }

  /** For /readyz. */
  health(): { name: string; ok: boolean; detail?: string } {
    const ok = !this.stopping && this.lastError === undefined;
    return { name: 'delivery-worker', ok, ...(this.lastError ? { detail: this.lastError } : {}) };
  }

  /** Asks the loop for another claim round; many signals before it runs make one round. */
  private signal(): void {
    this.wakeFlag = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        this.wakeFlag = false;
        await this.fill();
        await this.maintain(false);
        this.lastError = undefined;
      } catch (error) {
        this.lastError = (error as Error).message;
        this.deps.logger.error({ err: error }, 'delivery worker round failed');
      }
      if (this.stopping) break;
      if (this.wakeFlag) continue;
      await this.waitForWork(this.lastError === undefined ? await this.untilNextDue() : undefined);
    }
  }

  /**
   * Time until the next unleased delivery falls due, for the timer; undefined (wait for a signal or
   * the poll) when it is due already: the claim just ran, so what is due belongs to webhooks whose
   * queues are full, and their finishing requests will signal.
   */
  private async untilNextDue(): Promise<number | undefined> {
    const now = this.deps.clock.now().getTime();
    const at = await nextDueAt(this.deps.db, now).catch(() => null);
    return at === null || at <= now ? undefined : at - now;
  }

  private waitForWork(dueInMs: number | undefined): Promise<void> {
    if (this.wakeFlag) return Promise.resolve();
    const poll = this.deps.pollIntervalMs ?? 5_000;
    const delay = Math.min(poll, dueInMs ?? poll);
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  /** One claim round: per lane, each webhook with due work and room gets up to its room. Returns how many were claimed. */
  private async fill(): Promise<number> {
    let claimed = 0;
    for (const lane of LANES) {
      if (this.stopping) break;
      const now = this.deps.clock.now().getTime();
      const rooms = this.queues.rooms(lane, await webhooksWithDueWork(this.deps.db, this.deps.dialect, lane, now));
      if (rooms.size === 0) continue;
      const rows = await claimDueDeliveries(this.deps.db, this.deps.dialect, { lane, rooms, now, leaseMs: this.leaseMs, workerId: this.id });
      if (rows.length === 0) continue;
      claimed += rows.length;
      const targets = await loadWebhookTargets(this.deps.db, rows.map((d) => d.webhook_id));
      const orphaned: string[] = [];
      const got = new Map<string, number>();
      for (const delivery of rows) {
        const target = targets.get(delivery.webhook_id);
        got.set(delivery.webhook_id, (got.get(delivery.webhook_id) ?? 0) + 1);
        if (!target || target.enabled !== 1) orphaned.push(delivery.id);
        else this.queues.add({ delivery, target, lane, leaseUntil: now + this.leaseMs });
      }
      for (const [webhookId, n] of got) this.queues.claimed(lane, webhookId, rooms.get(webhookId) ?? 0, n);
      if (orphaned.length > 0) await this.failOrphans(orphaned);
    }
    this.pump();
    return claimed;
  }

  /** Starts every queued delivery that may start now (called after a claim and when a request ends). */
  private pump(): void {
    if (this.stopping) return;
    const latestStart = this.deps.clock.now().getTime() + this.startMarginMs;
    const { start, expired } = this.queues.takeStartable(this.capacity, (item) => item.leaseUntil < latestStart);
    for (const item of start) this.startOne(item);
    if (expired.length > 0) {
      for (const item of expired) this.toRelease.push(item.delivery.id);
      this.scheduleFlush();
      this.signal();
    }
  }

  private startOne(item: Queued): void {
    const { delivery, target } = item;
    const task = deliverOnce(this.deps.sender, delivery, target, this.attemptSettings, this.abort.signal)
      .then((finished) => {
        if (finished) {
          this.finished.push(finished);
          this.deps.metrics?.recordAttempt(finished.outcome.kind === 'delivered' ? 'delivered' : finished.outcome.category, finished.durationMs);
        } else this.toRelease.push(delivery.id);
      })
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, delivery: delivery.id }, 'delivery attempt crashed');
        this.toRelease.push(delivery.id);
      })
      .finally(() => {
        this.running.delete(task);
        const claimAgain = this.queues.finished(item);
        this.scheduleFlush();
        this.pump();
        // Claim again only when the webhook may have more due and room for a batch, not after every request.
        if (claimAgain && this.loopDone) this.signal();
      });
    this.running.add(task);
  }

  /** Deliveries of a webhook disabled (or deleted) after they were queued: failed, replayable. */
  private async failOrphans(ids: string[]): Promise<void> {
    await this.deps.db
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: 'webhook disabled', lease_until: null, leased_by: null, updated_at: this.deps.clock.now().getTime() })
      .where('id', 'in', ids)
      .where('leased_by', '=', this.id)
      .execute();
  }

  private scheduleFlush(): void {
    // A running flush loops until nothing is left, so it takes these too.
    if (this.flushing) return;
    if (this.finished.length >= FLUSH_BATCH) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  /** Writes finished attempts in one transaction; runs one flush at a time, batching what piles up. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.finished.length === 0 && this.toRelease.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      // Yield first, so that `this.flushing` is set before the finally below clears it.
      await Promise.resolve();
      try {
        while (this.finished.length > 0 || this.toRelease.length > 0) {
          const batch = this.finished;
          const release = this.toRelease;
          this.finished = [];
          this.toRelease = [];
          await releaseDeliveries(this.deps.db, release, this.id);
          // What was given back is due again at once: claim it (with a fresh lease).
          if (release.length > 0 && this.loopDone && !this.stopping) this.signal();
          const emails = await completeAttempts(this.deps.db, batch, {
            now: this.deps.clock.now().getTime(),
            workerId: this.id,
            autoDisableAfterS: this.deps.settings.autoDisableAfterS,
            errorEmailIntervalS: this.deps.settings.errorEmailIntervalS,
          });
          await this.sendEmails(emails);
        }
      } catch (error) {
        // The leases run out and the deliveries are retried: at-least-once, never lost.
        this.lastError = (error as Error).message;
        this.deps.logger.error({ err: error }, 'recording delivery attempts failed');
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Waits until nothing is in flight and every result is written. */
  private async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
    // A flush may have been running when the last task ended and missed its result.
    if (this.finished.length > 0 || this.toRelease.length > 0) await this.flush();
  }

  private async maintain(force: boolean): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (!force && now - this.lastMaintenance < MAINTENANCE_EVERY_MS) return;
    this.lastMaintenance = now;
    const s = this.deps.settings;
    const emails = await runMaintenance(this.deps.db, {
      now,
      autoDisableAfterS: s.autoDisableAfterS,
      errorEmailIntervalS: s.errorEmailIntervalS,
      retentionDays: s.retentionDays,
    });
    await this.sendEmails(emails);
  }

  private async sendEmails(emails: EmailDue[]): Promise<void> {
    for (const email of emails) {
      try {
        await this.deps.mailer.send(webhookEmail(email, this.deps.settings.publicUrl));
      } catch (error) {
        this.deps.logger.error({ err: error, webhook: email.webhookId }, 'could not send the webhook email');
      }
    }
  }
}
