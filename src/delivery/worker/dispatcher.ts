// Starts queued deliveries as slots free up (per-account budget, per-webhook cap, lane capacity,
// first attempts before retries, accounts in turn: local-queues.ts), sends each once, and hands the result on. A delivery that waited so long that its lease
// might run out during the request is given back instead of started.
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
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
}

const held = (item: Queued): Held => ({ id: item.delivery.id, token: item.delivery.lease_token });

export class Dispatcher {
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {
    // Every request listens for the worker's stop; there are more than Node's default 10 at once.
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts every queued delivery that may start now (after a claim, and when a request ends). */
  pump(): void {
    if (this.stopped) return;
    const latestStart = this.deps.clock.now().getTime() + this.deps.startMarginMs;
    const { start, expired } = this.deps.queues.takeStartable(this.deps.capacity, (item) => item.leaseUntil < latestStart);
    for (const item of start) this.startOne(item);
    if (expired.length > 0) {
      for (const item of expired) this.deps.onGiveBack(held(item));
      this.deps.onRoom();
    }
  }

  /** Starts nothing more and gives back what waits; requests in flight go on. */
  stopStarting(): void {
    this.stopped = true;
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
    const task = (this.deps.aroundAttempt ? this.deps.aroundAttempt(info, run) : run())
      .then((finished) => {
        if (!finished) return this.deps.onGiveBack(held(item));
        const { outcome } = finished;
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
        const claimAgain = this.deps.queues.finished(item);
        this.pump();
        if (claimAgain) this.deps.onRoom();
      });
    this.running.add(task);
  }
}
