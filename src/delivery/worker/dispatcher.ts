// Starts queued deliveries as slots free up (per-account budget, per-webhook cap, lane capacity,
// first attempts before retries, accounts in turn: local-queues.ts), sends each once, and hands the result on. A delivery that waited so long that its lease
// might run out during the request is given back instead of started. Each answer feeds its
// webhook's back-pressure (docs/WEBHOOKS.md, "Back-pressure"): a pause holds back the webhook's
// queue (what would outlive its lease is given back), and a timer pumps again when a pause or a
// rate lets a held-back webhook start.
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { loadSignal, type LoadSignal } from '../back-pressure.ts';
import { deliverOnce, type AttemptSettings } from '../deliver-one.ts';
import type { LocalQueues, Queued } from '../local-queues.ts';
import type { AttemptContext, WorkerHooks } from '../hooks.ts';
import type { DeliveryMetrics } from '../metrics.ts';
import type { Sender } from '../send-request.ts';
import type { Held, Lane } from '../store/claim.ts';
import type { FinishedAttempt } from '../store/results.ts';

export interface DispatcherDeps {
  queues: LocalQueues;
  sender: Sender;
  attempt: AttemptSettings;
  clock: Clock;
  logger: Logger;
  metrics: DeliveryMetrics | undefined;
  aroundAttempt?: WorkerHooks['aroundAttempt'];
  /** Requests in flight per lane. */
  capacity: Record<Lane, number>;
  /** A queued delivery may start only while at least this much of its lease is left (ms). */
  startMarginMs: number;
  onFinished(attempt: FinishedAttempt): void;
  /** The delivery goes back unsent (too late to start, or the worker is stopping). */
  onGiveBack(held: Held): void;
  /** A webhook may have more due work and has room for it: claim again. */
  onRoom(): void;
  /** False while this worker may have been declared dead (presence.ts): nothing starts then. */
  mayStart?(): boolean;
}

const held = (item: Queued): Held => ({ id: item.delivery.id, token: item.delivery.lease_token });

export class Dispatcher {
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;
  /** The one timer for the earliest time a held-back webhook may start, and that time (ms). */
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  /**
   * The end of each pause this worker saw (ms), kept until it passes: a paused webhook may have nothing
   * queued here (all given back), yet its end must wake a claim.
   */
  private readonly pauseEnds = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {
    // Every request listens for the worker's stop; there are more than Node's default 10 at once.
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts every queued delivery that may start now (after a claim, and when a request ends). */
  pump(): void {
    if (this.stopped || this.deps.mayStart?.() === false) return;
    const latestStart = this.deps.clock.now().getTime() + this.deps.startMarginMs;
    const { start, expired, wakeAt } = this.deps.queues.takeStartable(this.deps.capacity, (item) => item.leaseUntil < latestStart);
    for (const item of start) this.startOne(item);
    if (expired.length > 0) {
      for (const item of expired) this.deps.onGiveBack(held(item));
      this.deps.onRoom();
    }
    if (wakeAt !== undefined) this.wakeUpAt(wakeAt);
  }

  /** Pumps (and claims: a pause end makes the webhook claimable again) at `at` (ms), or sooner. */
  private wakeUpAt(at: number): void {
    if (this.stopped || at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      const now = this.deps.clock.now().getTime();
      let nextEnd = Number.POSITIVE_INFINITY;
      for (const [webhookId, end] of this.pauseEnds) {
        if (end <= now) this.pauseEnds.delete(webhookId);
        else nextEnd = Math.min(nextEnd, end);
      }
      this.pump();
      this.deps.onRoom();
      if (nextEnd < Number.POSITIVE_INFINITY) this.wakeUpAt(nextEnd);
    }, Math.max(0, at - this.deps.clock.now().getTime()));
    this.wakeTimer.unref();
  }

  /** The receiver paused the webhook: hold back its queue; give back what would outlive its lease. */
  private paused(webhookId: string, until: number): void {
    const tooLateAt = (item: Queued, at: number) => item.leaseUntil < at + this.deps.startMarginMs;
    for (const item of this.deps.queues.pause(webhookId, until, tooLateAt)) this.deps.onGiveBack(held(item));
    this.pauseEnds.set(webhookId, Math.max(until, this.pauseEnds.get(webhookId) ?? 0));
    this.wakeUpAt(until);
  }

  /** Starts nothing more and gives back what waits; requests in flight go on. */
  stopStarting(): void {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.giveBackWaiting();
  }

  /** Gives back everything waiting (its claims were released by others: the tokens no longer match). */
  giveBackWaiting(): void {
    for (const item of this.deps.queues.takeAllWaiting()) this.deps.onGiveBack(held(item));
  }

  /** Cuts off the requests in flight (they count as no attempt and are given back). */
  interrupt(reason: Error): void {
    this.abort.abort(reason);
  }

  /** Resolves when nothing is in flight. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private startOne(item: Queued): void {
    const { delivery, target } = item;
    const run = (context?: AttemptContext) => deliverOnce(this.deps.sender, delivery, target, this.deps.attempt, this.abort.signal, context);
    const info = { deliveryId: delivery.id, webhookId: target.id, eventType: delivery.type, attempt: delivery.attempts + 1, url: target.url };
    let signal: LoadSignal = 'neutral';
    const task = (this.deps.aroundAttempt ? this.deps.aroundAttempt(info, run) : run())
      .then((finished) => {
        if (!finished) return this.deps.onGiveBack(held(item));
        const { outcome } = finished;
        signal = loadSignal(outcome);
        if (finished.pauseUntil !== null) this.paused(delivery.webhook_id, finished.pauseUntil);
        if (outcome.kind === 'failed' && outcome.logDetail) {
          this.deps.logger.warn({ delivery: delivery.id, webhook: delivery.webhook_id, category: outcome.category, detail: outcome.logDetail }, 'delivery refused');
        }
        this.deps.onFinished(finished);
        this.deps.metrics?.recordAttempt(finished.outcome.kind === 'delivered' ? 'delivered' : finished.outcome.category, finished.durationMs);
      })
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, delivery: delivery.id }, 'delivery attempt crashed');
        this.deps.onGiveBack(held(item));
      })
      .finally(() => {
        this.running.delete(task);
        // Claim again only when the webhook may have more due and room for a batch, not after every request.
        const claimAgain = this.deps.queues.finished(item, signal);
        this.pump();
        if (claimAgain) this.deps.onRoom();
      });
    this.running.add(task);
  }
}
