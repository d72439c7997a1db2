// The delivery worker (PRODUCT §4, §6). It claims due deliveries in batches on two lanes (first
// attempts and retries, each with its own concurrency, so new work never waits behind retries),
// keeps at most `maxInFlightPerWebhook` requests per webhook, writes finished attempts in batched
// transactions, and sends the emails those decide after commit. It wakes on new work (in-process
// signal, PostgreSQL NOTIFY), when a slot frees, when the next retry falls due, and on a slow
// fallback poll. Tests drive it deterministically with `runOnce()`/`drain()` and a manual clock.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Dialect } from '../storage/database.ts';
import type { Schema } from '../storage/schema.ts';
import type { Mailer } from '../notifications/mailer.ts';
import { webhookEmail } from '../notifications/webhook-emails.ts';
import { claimDueDeliveries, nextDueAt, releaseDeliveries, type ClaimedDelivery, type Lane } from './claim-due-deliveries.ts';
import { completeAttempts, type FinishedAttempt } from './complete-deliveries.ts';
import { deliverOnce, type AttemptSettings } from './deliver-one.ts';
import type { EmailDue } from './email-due.ts';
import { listenForWork, type Listener } from './listen-notify.ts';
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

export class DeliveryWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`;
  private readonly inFlight: Record<Lane, number> = { first: 0, retry: 0 };
  private readonly perWebhook = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private finished: FinishedAttempt[] = [];
  private toRelease: string[] = [];
  private flushing: Promise<void> | undefined;
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
  private readonly attemptSettings: AttemptSettings;

  constructor(private readonly deps: WorkerDeps) {
    this.capacity = { first: deps.firstLaneConcurrency ?? 128, retry: deps.retryLaneConcurrency ?? 64 };
    const s = deps.settings;
    // A lease outlives any request (connect + total timeout) with a margin, so it only runs out
    // when its worker died; then another worker takes the delivery over.
    this.leaseMs = s.connectTimeoutMs + 2 * s.deliveryTimeoutMs + 5_000;
    this.attemptSettings = {
      clock: deps.clock,
      random: deps.random,
      retrySchedule: s.retrySchedule,
      retryJitter: s.retryJitter,
      userAgent: deps.userAgent,
    };
  }

  /** One deterministic round: claim what is due now, send it, record it, run maintenance. */
  async runOnce(): Promise<number> {
    const started = await this.fill();
    await this.settle();
    await this.maintain(true);
    return started;
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

  /** Stops claiming, lets requests in flight finish (aborting them after `graceMs`), records them. */
  async stop(graceMs = this.deps.settings.deliveryTimeoutMs): Promise<void> {
    this.stopping = true;
    this.signal();
    this.unsubscribe?.();
    await this.listener?.close();
    await this.loopDone;
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

  private signal(): void {
    this.wakeFlag = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let full = false;
      try {
        this.wakeFlag = false;
        await this.fill();
        full = this.inFlight.first >= this.capacity.first && this.inFlight.retry >= this.capacity.retry;
        await this.maintain(false);
        this.lastError = undefined;
      } catch (error) {
        this.lastError = (error as Error).message;
        this.deps.logger.error({ err: error }, 'delivery worker round failed');
      }
      if (this.stopping) break;
      await this.waitForWork(full || this.lastError !== undefined ? undefined : await this.untilNextDue());
    }
  }

  private async untilNextDue(): Promise<number | undefined> {
    const at = await nextDueAt(this.deps.db).catch(() => null);
    return at === null ? undefined : Math.max(0, at - this.deps.clock.now().getTime());
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

  /** Claims up to the free capacity of each lane and starts the requests; returns how many started. */
  private async fill(): Promise<number> {
    let started = 0;
    for (const lane of ['first', 'retry'] as const) {
      const free = this.capacity[lane] - this.inFlight[lane];
      if (free <= 0 || this.stopping) continue;
      const claimed = await claimDueDeliveries(this.deps.db, this.deps.dialect, {
        lane,
        limit: free,
        now: this.deps.clock.now().getTime(),
        leaseMs: this.leaseMs,
        workerId: this.id,
        excludeWebhooks: this.saturatedWebhooks(),
      });
      started += await this.startAll(lane, claimed);
    }
    return started;
  }

  private saturatedWebhooks(): string[] {
    const cap = this.deps.settings.maxInFlightPerWebhook;
    return [...this.perWebhook].filter(([, n]) => n >= cap).map(([id]) => id);
  }

  private async startAll(lane: Lane, claimed: ClaimedDelivery[]): Promise<number> {
    if (claimed.length === 0) return 0;
    const targets = await loadWebhookTargets(this.deps.db, claimed.map((d) => d.webhook_id));
    const cap = this.deps.settings.maxInFlightPerWebhook;
    const excess: string[] = [];
    const orphaned: string[] = [];
    let started = 0;
    for (const delivery of claimed) {
      const target = targets.get(delivery.webhook_id);
      if (!target || target.enabled !== 1) {
        orphaned.push(delivery.id);
        continue;
      }
      const inFlight = this.perWebhook.get(delivery.webhook_id) ?? 0;
      if (inFlight >= cap) {
        excess.push(delivery.id);
        continue;
      }
      this.perWebhook.set(delivery.webhook_id, inFlight + 1);
      this.inFlight[lane] += 1;
      started += 1;
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
          this.inFlight[lane] -= 1;
          const left = (this.perWebhook.get(delivery.webhook_id) ?? 1) - 1;
          if (left > 0) this.perWebhook.set(delivery.webhook_id, left);
          else this.perWebhook.delete(delivery.webhook_id);
          this.running.delete(task);
          void this.flush();
          this.signal();
        });
      this.running.add(task);
    }
    await releaseDeliveries(this.deps.db, excess, this.id);
    if (orphaned.length > 0) await this.failOrphans(orphaned);
    return started;
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
