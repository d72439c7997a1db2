// Per-webhook back-pressure as this worker sees it (docs/WEBHOOKS.md, "Back-pressure"), kept beside
// the local queues (local-queues.ts asks it before each start). Three rules, each per webhook:
//   - pause: the receiver answered 429/503 with Retry-After; nothing starts until the pause ends.
//   - adaptive concurrency (AIMD): the limit on requests in flight starts at the cap, halves (down
//     to 1) on a sign of overload (back-pressure.ts) and grows by one after `limit` successes (about
//     one per round trip of a full window) back to the cap. Requests that started before the last halving
//     do not halve it again: one overloaded moment costs one halving, not one per request in flight.
//   - rate: with `max_rate_per_second` set, starts are spaced at least 1/rate apart (a token bucket
//     of one token), the rate divided among the live workers.
// State outlives a webhook's queue (a webhook that drains and is claimed again keeps its limit and
// pacing) and is forgotten once it is back to the defaults. No I/O; time is a parameter.
import type { LoadSignal } from './back-pressure.ts';

class State {
  /** Whole requests, 1 to the cap. */
  limit: number;
  /** Successes since the limit last moved. */
  successes = 0;
  pausedUntil = 0;
  /** Requests started before this (ms) do not halve the limit again. */
  lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** The owner's cap on starts per second (all workers together), or null. */
  rate: number | null = null;
  /** The next start allowed by the rate (ms). */
  nextStartAt = 0;

  constructor(cap: number) {
    this.limit = cap;
  }
}

/** How often idle state is looked over for entries back at their defaults (ms). */
const SWEEP_EVERY_MS = 60_000;

export class EndpointPressure {
  private readonly states = new Map<string, State>();
  private workers = 1;
  private sweptAt = 0;

  /** `cap`: the configured per-webhook limit (docs/WEBHOOKS.md, default 10). */
  constructor(private readonly cap: number) {}

  /** The number of live workers sharing each webhook's rate (at least 1). */
  setLiveWorkers(count: number): void {
    this.workers = Math.max(1, Math.floor(count));
  }

  /** The owner's rate for the webhook (from its row, at each claim); null: unlimited. */
  setRate(webhookId: string, rate: number | null): void {
    if (rate === null && !this.states.has(webhookId)) return;
    this.state(webhookId).rate = rate !== null && rate > 0 ? rate : null;
  }

  /** Pauses the webhook until `until` (ms); a pause only ever moves later. */
  pause(webhookId: string, until: number): void {
    const state = this.state(webhookId);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  pausedUntil(webhookId: string, now: number): number | null {
    const until = this.states.get(webhookId)?.pausedUntil ?? 0;
    return until > now ? until : null;
  }

  /** The webhook's current limit on requests in flight (whole requests, 1 to the cap). */
  limit(webhookId: string): number {
    return this.states.get(webhookId)?.limit ?? this.cap;
  }

  /**
   * Whether one more request of the webhook may start now with `inFlight` running: `true`, or
   * `false` (at its limit: a request that ends frees a slot), or the time (ms) it may start (paused,
   * or paced by its rate).
   */
  mayStart(webhookId: string, inFlight: number, now: number): true | false | number {
    const state = this.states.get(webhookId);
    if (!state) return inFlight < this.cap;
    if (state.pausedUntil > now) return state.pausedUntil;
    if (inFlight >= state.limit) return false;
    if (state.rate !== null && state.nextStartAt > now) return state.nextStartAt;
    return true;
  }

  /** A request of the webhook starts now. */
  started(webhookId: string, now: number): void {
    const state = this.states.get(webhookId);
    if (state?.rate == null) return;
    const interval = (1000 * this.workers) / state.rate;
    // From now, not from the last allowed start: a late start does not earn a burst afterwards.
    state.nextStartAt = Math.max(now, state.nextStartAt) + interval;
  }

  /** A request that started at `startedAt` ended with `signal`. */
  observe(webhookId: string, signal: LoadSignal, startedAt: number, now: number): void {
    if (signal === 'overloaded') {
      const state = this.state(webhookId);
      if (startedAt < state.lastDecreaseAt) return;
      state.limit = Math.max(1, Math.floor(state.limit / 2));
      state.successes = 0;
      state.lastDecreaseAt = now;
    } else if (signal === 'eased') {
      const state = this.states.get(webhookId);
      if (!state || state.limit >= this.cap) return;
      state.successes += 1;
      if (state.successes < state.limit) return;
      state.limit += 1;
      state.successes = 0;
    }
  }

  /**
   * Forgets the webhooks back at their defaults (no pause, full limit, no start being paced); cheap
   * to call often. Only webhooks with nothing queued here (`inUse` false) are forgotten; a forgotten
   * rate comes back with the webhook's next claim (`setRate`).
   */
  sweep(now: number, inUse: (webhookId: string) => boolean): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [id, state] of this.states) {
      if (state.pausedUntil <= now && state.limit >= this.cap && state.nextStartAt <= now && !inUse(id)) this.states.delete(id);
    }
  }

  private state(webhookId: string): State {
    let state = this.states.get(webhookId);
    if (!state) {
      state = new State(this.cap);
      this.states.set(webhookId, state);
    }
    return state;
  }
}
