// The delivery worker (docs/DESIGN.md, delivery engine): a façade over its collaborators, with an
// explicit state (idle → running → stopping → stopped).
//   - WakeLoop (worker/wake-loop.ts): when to run a round — on a signal (in-process or NOTIFY), when
//     the next retry falls due, or on the fallback poll; one round at a time; backoff on failure.
//   - ClaimRound (worker/claim-round.ts): claims due deliveries per webhook into LocalQueues, each
//     webhook up to 6 × the per-webhook cap per lane, claimed again when one has room for 2 caps' worth.
//   - Dispatcher (worker/dispatcher.ts): starts requests as slots free up and hands results on.
//   - ResultWriter (worker/result-writer.ts): batched, fenced, retried-never-dropped result writes,
//     then webhook health and emails.
//   - Presence (worker/presence.ts): heartbeats, releasing the claims of dead workers.
//   - SelfHealing (worker/self-heal.ts): probes of auto-disabled self-healing webhooks, from maintenance.
// Tests drive it deterministically with `runOnce()`/`drain()` (no loop, no heartbeat).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Mailer } from '../notifications/mailer.ts';
import { LocalQueues } from './local-queues.ts';
import type { WorkerHooks } from './hooks.ts';
import type { DeliveryMetrics } from './metrics.ts';
import type { Sender } from './send-request.ts';
import type { DeliveryStore } from './store/delivery-store.ts';
import { ClaimRound } from './worker/claim-round.ts';
import { Dispatcher } from './worker/dispatcher.ts';
import { Maintenance } from './worker/maintenance.ts';
import { Presence } from './worker/presence.ts';
import { SelfHealing } from './worker/self-heal.ts';
import { ResultWriter } from './worker/result-writer.ts';
import { createEmailSender } from './worker/send-emails.ts';
import { WakeLoop } from './worker/wake-loop.ts';

/**
 * Deliveries one worker holds in memory at most (in flight + claimed and waiting), all webhooks
 * together: ~20,000 × 1–2 KB, far below the delivery thread's heap limit (thread-host.ts) and far
 * above what its lanes can have in flight, so it binds only when hundreds of webhooks have a backlog.
 */
export const MAX_HELD = 20_000;

/**
 * The shortest wait for the next due delivery (ms). Retries falling due every few milliseconds
 * (jittered, or during rounds while every queue is full) would otherwise start a claim round each,
 * back to back; retries are scheduled in seconds, so this delay is not felt.
 */
export const MIN_DUE_WAIT_MS = 25;

export interface WorkerSettings {
  retrySchedule: readonly number[];
  retryJitter: number;
  deliveryTimeoutMs: number;
  connectTimeoutMs: number;
  errorEmailIntervalS: number;
  autoDisableAfterS: number;
  maxInFlightPerWebhook: number;
  maxInFlightPerAccount: number;
  retentionDays: number;
  publicUrl: string;
}

export interface WorkerDeps {
  store: DeliveryStore;
  clock: Clock;
  random: () => number;
  logger: Logger;
  sender: Sender;
  mailer: Mailer;
  metrics: DeliveryMetrics | undefined;
  hooks?: WorkerHooks;
  /** Subscribes to wake-ups (in-process signal, PostgreSQL LISTEN); returns how to unsubscribe. */
  subscribe(onWake: () => void): () => Promise<void>;
  settings: WorkerSettings;
  userAgent: string;
  /** Requests in flight per lane. */
  firstLaneConcurrency?: number;
  retryLaneConcurrency?: number;
  /** Safety-net poll when no signal arrives (ms). */
  pollIntervalMs?: number;
}

export type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';

export class DeliveryWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`;
  private state: WorkerState = 'idle';
  private readonly loop: WakeLoop;
  private readonly claims: ClaimRound;
  private readonly dispatcher: Dispatcher;
  private readonly writer: ResultWriter;
  private readonly maintenance: Maintenance;
  private readonly presence: Presence;
  private readonly healing: SelfHealing;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly deps: WorkerDeps) {
    const s = deps.settings;
    // A lease outlives the wait in the local queue plus the request (connect + total timeout) with
    // a margin, so it only runs out when its worker died or stalled; a delivery starts only while
    // its lease still covers a whole request (`startMarginMs`), else it is given back.
    const leaseMs = s.connectTimeoutMs + 2 * s.deliveryTimeoutMs + 5_000;
    const cap = s.maxInFlightPerWebhook;
    // Each webhook holds up to 6 × cap per lane, and a claim is made when one has room for 2 × cap;
    // every other webhook with room for half a cap joins that claim. A fast endpoint must not run
    // dry during a claim round trip, a slow one only holds what it will send within its lease, and
    // claims are few and wide: one claim writes the neighbouring rows of many webhooks (an
    // activity's deliveries) on the same database pages, where per-webhook claims of a cap each
    // wrote every page once per webhook. In all a worker holds at most MAX_HELD, however many
    // webhooks have a backlog; the webhooks then take turns.
    const queues = new LocalQueues(
      { perWebhookCap: cap, perAccountCap: s.maxInFlightPerAccount, holdPerLane: 6 * cap, minRoom: 2 * cap, topUpRoom: Math.ceil(cap / 2), maxHeld: MAX_HELD },
      () => deps.clock.now().getTime(),
    );
    const emails = createEmailSender(deps.mailer, s.publicUrl, deps.logger);
    const wake = () => {
      if (this.state === 'running') this.loop.signal();
    };
    this.loop = new WakeLoop({
      round: () => this.round(),
      nextDueInMs: () => this.untilNextDue(),
      pollIntervalMs: deps.pollIntervalMs ?? 5_000,
      logger: deps.logger,
    });
    this.claims = new ClaimRound({ store: deps.store, queues, clock: deps.clock, workerId: this.id, leaseMs, isStopping: () => this.state === 'stopping' });
    this.writer = new ResultWriter({ store: deps.store, clock: deps.clock, logger: deps.logger, leaseMs, autoDisableAfterS: s.autoDisableAfterS, errorEmailIntervalS: s.errorEmailIntervalS, sendEmails: emails, onReleased: wake, onLeadFreed: wake });
    this.dispatcher = new Dispatcher({
      queues,
      sender: deps.sender,
      attempt: { clock: deps.clock, random: deps.random, retrySchedule: s.retrySchedule, retryJitter: s.retryJitter, userAgent: deps.userAgent },
      clock: deps.clock,
      logger: deps.logger,
      metrics: deps.metrics,
      ...(deps.hooks?.aroundAttempt ? { aroundAttempt: deps.hooks.aroundAttempt } : {}),
      capacity: { first: deps.firstLaneConcurrency ?? 128, retry: deps.retryLaneConcurrency ?? 64 },
      startMarginMs: s.connectTimeoutMs + s.deliveryTimeoutMs + 2_000,
      onFinished: (attempt) => this.writer.add(attempt),
      onGiveBack: (held) => this.writer.giveBack(held),
      onRoom: wake,
      mayStart: () => this.presence.mayStartWork(),
    });
    this.healing = new SelfHealing({
      store: deps.store,
      sender: deps.sender,
      clock: deps.clock,
      logger: deps.logger,
      attempt: { clock: deps.clock, random: deps.random, retrySchedule: s.retrySchedule, retryJitter: s.retryJitter, userAgent: deps.userAgent },
      workerId: this.id,
      leaseMs,
      sendEmails: emails,
    });
    this.maintenance = new Maintenance({
      store: deps.store,
      clock: deps.clock,
      settings: s,
      sendEmails: emails,
      heal: () => this.healing.run(),
      ...(deps.hooks?.prune ? { prune: deps.hooks.prune } : {}),
    });
    this.presence = new Presence({
      store: deps.store,
      clock: deps.clock,
      logger: deps.logger,
      me: { id: this.id, host: hostname(), pid: process.pid },
      onReleased: wake,
      onLiveWorkers: (n) => queues.setLiveWorkers(n),
      onDeclaredDead: () => this.dispatcher.giveBackWaiting(),
      onConfirmed: () => this.dispatcher.pump(),
    });
  }

  /** One deterministic round: claim what is due now, send it all, record it, run maintenance. */
  async runOnce(): Promise<number> {
    const claimed = await this.claims.run();
    this.dispatcher.pump();
    await this.settle();
    await this.maintenance.run(true);
    return claimed;
  }

  /** Rounds until nothing is due at the current clock time. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /** Registers the worker (releasing dead workers' claims) and runs in the background until stop(). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`the delivery worker cannot start: it is ${this.state}`);
    this.state = 'running';
    try {
      await this.presence.start();
    } catch (error) {
      this.state = 'idle';
      throw error;
    }
    this.unsubscribe = this.deps.subscribe(() => {
      if (this.state === 'running') this.loop.signal();
    });
    this.loop.start();
  }

  /** Stops claiming, gives back what waits, lets requests in flight finish (cut off after `graceMs`), records them. */
  async stop(graceMs = this.deps.settings.deliveryTimeoutMs): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    await this.unsubscribe?.();
    await this.loop.stop();
    this.dispatcher.stopStarting();
    const interrupt = setTimeout(() => this.dispatcher.interrupt(new Error('worker stopping')), graceMs);
    await this.dispatcher.settle();
    clearTimeout(interrupt);
    // Results are kept while the database is away, but not forever once asked to stop.
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([this.writer.flush(), new Promise<void>((resolve) => (giveUp = setTimeout(resolve, graceMs + 5_000)))]);
    clearTimeout(giveUp);
    this.writer.abandon();
    await this.healing.stop();
    if (wasRunning) await this.presence.stop();
    await this.deps.sender.close();
    this.state = 'stopped';
  }

  /** For /readyz. */
  health(): { name: string; ok: boolean; detail?: string } {
    const error = this.loop.lastError ?? this.writer.lastError;
    const ok = this.state === 'running' && error === undefined;
    const detail = error ?? (this.state === 'running' ? undefined : `delivery worker ${this.state}`);
    return { name: 'delivery-worker', ok, ...(detail === undefined ? {} : { detail }) };
  }

  /** For tests: one heartbeat and sweep now (the timer does it every few seconds). */
  heartbeat(): Promise<void> {
    return this.presence.tick();
  }

  private async round(): Promise<void> {
    await this.claims.run();
    this.dispatcher.pump();
    await this.maintenance.run(false);
  }

  /**
   * Time until the next unleased delivery falls due after the last round looked (it may have fallen
   * due while the round ran), but at least MIN_DUE_WAIT_MS; or undefined to wait for a signal or
   * the poll. What was due when the round looked and was not claimed belongs to webhooks whose
   * queues are full or that are paused; their finishing requests and the ends of the pauses this
   * worker saw signal (a pause another worker saw ends within the poll). Such rows never hide a
   * later retry of another webhook.
   */
  private async untilNextDue(): Promise<number | undefined> {
    const now = this.deps.clock.now().getTime();
    const at = await this.deps.store.nextDueAt(now, this.claims.lastLookedAt ?? now);
    return at === null ? undefined : Math.max(MIN_DUE_WAIT_MS, at - now);
  }

  /** Waits until nothing is in flight and every result is written. */
  private async settle(): Promise<void> {
    await this.dispatcher.settle();
    await this.writer.flush();
  }
}
