// The worker's in-memory view of what it holds: per account and webhook, the deliveries in flight
// and the ones claimed but not yet started, per lane. It decides what may start (per-account budget,
// per-webhook cap, lane capacity, first attempts before retries, round-robin across accounts and
// their webhooks: docs/WEBHOOKS.md, "Fairness across accounts"; per webhook its pause, adaptive limit
// and rate: endpoint-pressure.ts, docs/WEBHOOKS.md, "Back-pressure") and how much more each webhook
// may claim (its room). No I/O; the time comes from `now`.
import type { LoadSignal } from './back-pressure.ts';
import { EndpointPressure } from './endpoint-pressure.ts';
import { LANES, type ClaimedDelivery, type Lane } from './store/claim.ts';
import type { WebhookTarget } from './store/targets.ts';

export interface Queued {
  delivery: ClaimedDelivery;
  target: WebhookTarget;
  lane: Lane;
  /** When this worker's lease on the delivery runs out (ms). */
  leaseUntil: number;
  /** When its request started (ms), once started. */
  startedAt?: number;
}

export interface Startable {
  start: Queued[];
  /** Reached the head of their queue too late: to be given back. */
  expired: Queued[];
  /** The earliest time (ms) a webhook held back by its pause or rate may start again, if any. */
  wakeAt: number | undefined;
}

export interface QueueLimits {
  /** Requests in flight per webhook, both lanes together (docs/WEBHOOKS.md, default 10). */
  perWebhookCap: number;
  /** Requests in flight per account, both lanes together; below the lane capacities, so one account never fills a lane. */
  perAccountCap: number;
  /** Deliveries one webhook may hold per lane, in flight + waiting; bounds the wait before a start. */
  holdPerLane: number;
  /** A claim is made only when a webhook has at least this much room, so claims are not tiny. */
  minRoom: number;
  /**
   * Once one webhook has `minRoom`, every other with at least this much room joins the same claim
   * (default `minRoom`): one claim then takes neighbouring rows of many webhooks (an activity's
   * deliveries sit side by side), so the database writes each page once for all of them.
   */
  topUpRoom?: number;
  /**
   * Deliveries this worker may hold in all, every webhook and lane together (unlimited if absent):
   * what it holds in memory then does not grow with the number of webhooks that have a backlog.
   * When it binds, claims take turns across the webhooks (`rooms`).
   */
  maxHeld?: number;
}

class WebhookQueue {
  constructor(readonly accountId: string) {}
  inFlight = 0;
  readonly waiting: Record<Lane, Queued[]> = { first: [], retry: [] };
  /** In flight + waiting, per lane. */
  readonly held: Record<Lane, number> = { first: 0, retry: 0 };
  /** The last claim filled the whole room, so more may be due: claim again once there is room. */
  readonly moreDue: Record<Lane, boolean> = { first: false, retry: false };

  get idle(): boolean {
    return this.inFlight === 0 && this.waiting.first.length === 0 && this.waiting.retry.length === 0;
  }
}

/** An account's webhooks with work here, least recently served first. */
class AccountQueue {
  inFlight = 0;
  readonly hooks = new Map<string, WebhookQueue>();
}

/** Moves a key to the end of its map: the map's order is then "least recently served first". */
function toBack<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

export class LocalQueues {
  private readonly hooks = new Map<string, WebhookQueue>();
  /** Accounts with work here, least recently served first. */
  private readonly accounts = new Map<string, AccountQueue>();
  private readonly inFlightByLane: Record<Lane, number> = { first: 0, retry: 0 };
  private readonly pressure: EndpointPressure;
  /** Held in all (in flight + waiting), against `maxHeld`. */
  private totalHeld = 0;
  /** While `maxHeld` binds: the last webhook given room per lane, after which the next claim starts. */
  private readonly turnAfter: Record<Lane, string | undefined> = { first: undefined, retry: undefined };
  /** A webhook with room got none because `maxHeld` bound: claim again once enough is freed. */
  private heldBackByTotal = false;

  constructor(
    private readonly limits: QueueLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.pressure = new EndpointPressure(limits.perWebhookCap);
  }

  /**
   * How many more deliveries of the lane each candidate webhook (one with due work) may claim, for
   * those with enough room. One without enough room is marked, so that its finishing requests ask
   * for a claim when it has room again.
   */
  rooms(lane: Lane, candidates: Iterable<string>): Map<string, number> {
    const rooms = new Map<string, number>();
    const now = this.now();
    let triggered = false;
    let budget = (this.limits.maxHeld ?? Number.POSITIVE_INFINITY) - this.totalHeld;
    let heldBack = false;
    let lastGiven: string | undefined;
    for (const webhookId of this.inTurn(lane, candidates)) {
      // Paused here (its pause may not be in the database yet): claim nothing until it ends.
      if (this.pressure.pausedUntil(webhookId, now) !== null) continue;
      const queue = this.hooks.get(webhookId);
      const { hold, minRoom, topUpRoom } = this.holdOf(webhookId);
      const own = hold - (queue?.held[lane] ?? 0);
      const room = Math.min(own, budget);
      if (room < own && own >= topUpRoom) heldBack = true;
      if (room >= minRoom) triggered = true;
      if (room >= topUpRoom) {
        rooms.set(webhookId, room);
        budget -= room;
        lastGiven = webhookId;
      }
      if (own < minRoom && queue) queue.moreDue[lane] = true;
    }
    if (heldBack) this.heldBackByTotal = true;
    // Turns are kept only while the total binds: otherwise every candidate got its room anyway.
    if (triggered) this.turnAfter[lane] = heldBack ? lastGiven : undefined;
    return triggered ? rooms : new Map();
  }

  /** The candidates from the one after the last given room onwards, wrapping round (ids sort as strings). */
  private inTurn(lane: Lane, candidates: Iterable<string>): Iterable<string> {
    const after = this.turnAfter[lane];
    if (after === undefined) return candidates;
    const sorted = [...candidates].sort();
    const start = sorted.findIndex((id) => id > after);
    return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
  }

  /** Hold and minimum room shrink with a webhook's adaptive limit: a slowed endpoint holds only what it can send in its lease. */
  private holdOf(webhookId: string): { hold: number; minRoom: number; topUpRoom: number } {
    const share = Math.min(1, this.pressure.limit(webhookId) / this.limits.perWebhookCap);
    const scaled = (n: number) => (share >= 1 ? n : Math.max(1, Math.ceil(n * share)));
    const { holdPerLane, minRoom, topUpRoom = minRoom } = this.limits;
    return { hold: scaled(holdPerLane), minRoom: scaled(minRoom), topUpRoom: scaled(Math.min(topUpRoom, minRoom)) };
  }

  /** How many live workers share each webhook's rate (presence.ts counts them). */
  setLiveWorkers(count: number): void {
    this.pressure.setLiveWorkers(count);
  }

  /** The webhook's adaptive limit on requests in flight (for metrics and tests). */
  limitOf(webhookId: string): number {
    return this.pressure.limit(webhookId);
  }

  /**
   * The receiver paused the webhook until `until` (ms): nothing of it starts here until then. Its
   * waiting deliveries that could not start before their lease runs short (`tooLateAt(item, until)`)
   * are removed and returned, to be given back; the others wait for the pause end.
   */
  pause(webhookId: string, until: number, tooLateAt: (item: Queued, at: number) => boolean): Queued[] {
    this.pressure.pause(webhookId, until);
    const queue = this.hooks.get(webhookId);
    if (!queue) return [];
    const giveBack: Queued[] = [];
    for (const lane of LANES) {
      const keep: Queued[] = [];
      for (const item of queue.waiting[lane]) (tooLateAt(item, until) ? giveBack : keep).push(item);
      queue.waiting[lane] = keep;
    }
    for (const item of giveBack) this.dropped(item);
    return giveBack;
  }

  /** Records a claim's result for a webhook: did it get all the room it asked for? */
  claimed(lane: Lane, webhookId: string, asked: number, got: number): void {
    const queue = this.hooks.get(webhookId);
    if (queue) queue.moreDue[lane] = got >= asked;
  }

  add(item: Queued): void {
    const webhookId = item.delivery.webhook_id;
    this.pressure.setRate(webhookId, item.target.max_rate_per_second);
    if (item.target.paused_until !== null && item.target.paused_until > this.now()) this.pressure.pause(webhookId, item.target.paused_until);
    const queue = this.queueOf(item.delivery.account_id, webhookId);
    queue.waiting[item.lane].push(item);
    queue.held[item.lane] += 1;
    this.totalHeld += 1;
  }

  /**
   * Takes every waiting delivery that may start now and counts it as in flight: per account up to
   * its budget, per webhook up to its cap, first attempts before retries, each lane up to its
   * capacity. Accounts take turns, one delivery each per turn, least recently served first; so do
   * an account's webhooks. A delivery that reaches the head of its queue too late (`tooLate`: its
   * lease might run out during the request) is returned in `expired` instead, to be given back.
   * A webhook held back by its pause or rate names when it may start in `wakeAt`.
   */
  takeStartable(capacity: Record<Lane, number>, tooLate: (item: Queued) => boolean): Startable {
    const start: Queued[] = [];
    const expired: Queued[] = [];
    const now = this.now();
    this.pressure.sweep(now, (webhookId) => this.hooks.has(webhookId));
    const wake = { at: undefined as number | undefined };
    if (LANES.every((lane) => this.inFlightByLane[lane] >= capacity[lane])) return { start, expired, wakeAt: undefined };
    // An account that could start nothing cannot later in this call: slots only fill up here.
    let turn = [...this.accounts];
    while (turn.length > 0) {
      const next: typeof turn = [];
      for (const [accountId, account] of turn) {
        const item = account.inFlight < this.limits.perAccountCap ? this.takeOne(account, capacity, tooLate, expired, now, wake) : undefined;
        if (!item) continue;
        start.push(item);
        account.inFlight += 1;
        toBack(this.accounts, accountId, account);
        next.push([accountId, account]);
      }
      turn = next;
    }
    for (const item of expired) this.dropped(item);
    return { start, expired, wakeAt: wake.at };
  }

  /** The next delivery of the account that may start, from its least recently served webhook. */
  private takeOne(
    account: AccountQueue,
    capacity: Record<Lane, number>,
    tooLate: (item: Queued) => boolean,
    expired: Queued[],
    now: number,
    wake: { at: number | undefined },
  ): Queued | undefined {
    for (const [webhookId, queue] of account.hooks) {
      const may = this.pressure.mayStart(webhookId, queue.inFlight, now);
      if (may !== true) {
        const waits = queue.waiting.first.length > 0 || queue.waiting.retry.length > 0;
        if (may !== false && waits && (wake.at === undefined || may < wake.at)) wake.at = may;
        continue;
      }
      for (const lane of LANES) {
        const waiting = queue.waiting[lane];
        while (waiting.length > 0 && this.inFlightByLane[lane] < capacity[lane]) {
          const item = waiting.shift()!;
          if (tooLate(item)) {
            expired.push(item);
            continue;
          }
          queue.inFlight += 1;
          this.inFlightByLane[lane] += 1;
          item.startedAt = now;
          this.pressure.started(webhookId, now);
          toBack(account.hooks, webhookId, queue);
          return item;
        }
      }
    }
    return undefined;
  }

  /**
   * A started delivery finished; `signal` feeds its webhook's adaptive limit. Returns true when its
   * webhook may have more due work and has room to claim it.
   */
  finished(item: Queued, signal: LoadSignal = 'neutral'): boolean {
    this.pressure.observe(item.delivery.webhook_id, signal, item.startedAt ?? 0, this.now());
    const queue = this.hooks.get(item.delivery.webhook_id);
    if (!queue) return false;
    queue.inFlight -= 1;
    this.inFlightByLane[item.lane] -= 1;
    const account = this.accounts.get(queue.accountId);
    if (account) account.inFlight -= 1;
    return this.forget(queue, item);
  }

  /** A waiting delivery that will not be started (it is given back). Same answer as `finished`. */
  private dropped(item: Queued): boolean {
    const queue = this.hooks.get(item.delivery.webhook_id);
    return queue ? this.forget(queue, item) : false;
  }

  /** Removes and returns every waiting delivery (the worker is stopping). */
  takeAllWaiting(): Queued[] {
    const all: Queued[] = [];
    for (const queue of this.hooks.values()) {
      for (const lane of LANES) {
        all.push(...queue.waiting[lane]);
        queue.held[lane] -= queue.waiting[lane].length;
        this.totalHeld -= queue.waiting[lane].length;
        queue.waiting[lane] = [];
      }
    }
    for (const [id, queue] of this.hooks) if (queue.idle) this.remove(id, queue);
    return all;
  }

  private forget(queue: WebhookQueue, item: Queued): boolean {
    queue.held[item.lane] -= 1;
    this.totalHeld -= 1;
    if (queue.idle) this.remove(item.delivery.webhook_id, queue);
    const { hold, minRoom } = this.holdOf(item.delivery.webhook_id);
    if (this.heldBackByTotal && (this.limits.maxHeld ?? 0) - this.totalHeld >= minRoom) {
      // Enough is free again for a webhook the total held back: one claim, which takes turns.
      this.heldBackByTotal = false;
      return true;
    }
    if (!queue.moreDue[item.lane] || hold - queue.held[item.lane] < minRoom) return false;
    // Ask once: the claim this triggers records a fresh answer.
    queue.moreDue[item.lane] = false;
    return true;
  }

  private remove(webhookId: string, queue: WebhookQueue): void {
    this.hooks.delete(webhookId);
    const account = this.accounts.get(queue.accountId);
    account?.hooks.delete(webhookId);
    if (account && account.hooks.size === 0 && account.inFlight === 0) this.accounts.delete(queue.accountId);
  }

  private queueOf(accountId: string, webhookId: string): WebhookQueue {
    let queue = this.hooks.get(webhookId);
    if (!queue) {
      queue = new WebhookQueue(accountId);
      this.hooks.set(webhookId, queue);
      let account = this.accounts.get(accountId);
      if (!account) {
        account = new AccountQueue();
        this.accounts.set(accountId, account);
      }
      account.hooks.set(webhookId, queue);
    }
    return queue;
  }
}
