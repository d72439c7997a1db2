// The worker's row in `delivery_workers`: registered at start, a heartbeat every HEARTBEAT_MS,
// removed at stop. Each beat also releases the claims of dead workers (silent for STALE_AFTER_MS,
// or on this host with their process gone), so their deliveries are sent again within seconds.
// On SQLite one process runs the worker: at start it refuses to run beside another live process,
// and releases every claim a previous process left (docs/WEBHOOKS.md, "Delivery state and faults").
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import { HEARTBEAT_MS, STALE_AFTER_MS, type WorkerIdentity } from '../store/workers.ts';

export interface PresenceDeps {
  store: DeliveryStore;
  clock: Clock;
  logger: Logger;
  me: WorkerIdentity;
  /** Claims were released: they are due again. */
  onReleased(): void;
  /** How many workers are live, this one included (at each sweep): they share each webhook's rate. */
  onLiveWorkers?(count: number): void;
  /** This worker's row was gone: others declared it dead and released its claims (it registers again). */
  onDeclaredDead?(): void;
  /** A heartbeat confirmed this worker again after it had been silent too long to start work. */
  onConfirmed?(): void;
  /** Whether a process of this host runs (tests pass their own). */
  isAlive?: (pid: number) => boolean;
  /** Monotonic milliseconds (default `performance.now`; tests pass their own). */
  monotonicNow?: () => number;
}

/**
 * A worker starts deliveries only while its last confirmed heartbeat is this recent (real time): a
 * worker that was paused (SIGSTOP, a frozen VM) or cut off may meanwhile have been declared dead by
 * the others (silent for STALE_AFTER_MS) and its claims sent by them, so on waking it waits for a
 * heartbeat to say whether its claims are still its own instead of sending them a second time.
 */
export const CONFIRMED_WITHIN_MS = STALE_AFTER_MS / 2;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Presence {
  private timer: NodeJS.Timeout | undefined;
  private readonly isAlive: (pid: number) => boolean;
  private readonly monotonicNow: () => number;
  /**
   * Since when this worker's heartbeats have succeeded without a break (undefined: the last one
   * failed). Others' silence is judged only after this worker has itself beaten for
   * STALE_AFTER_MS: after a database outage every worker looks silent, and releasing a live
   * worker's claims would have its queued deliveries sent twice.
   */
  private beatingSince: number | undefined;
  /** `performance.now()` of the last heartbeat that found this worker registered; undefined before start. */
  private confirmedAt: number | undefined;

  constructor(private readonly deps: PresenceDeps) {
    this.isAlive = deps.isAlive ?? processIsAlive;
    this.monotonicNow = deps.monotonicNow ?? (() => performance.now());
  }

  /** Registers and sweeps; throws when another live process runs the SQLite worker. */
  async start(): Promise<void> {
    const { store, me } = this.deps;
    const now = this.deps.clock.now().getTime();
    if (store.singleProcess) {
      const others = await store.otherWorkers(me.id);
      const fresh = (heartbeatAt: number) => now - heartbeatAt < STALE_AFTER_MS;
      const rival = others.find((o) => o.pid !== me.pid && o.host === me.host && fresh(o.heartbeat_at) && this.isAlive(o.pid));
      if (rival) throw new Error(`another leadhook process (pid ${rival.pid}) runs the delivery worker on this SQLite database`);
      const keep = [me.id, ...others.filter((o) => o.pid === me.pid && fresh(o.heartbeat_at)).map((o) => o.id)];
      this.released(await store.releaseClaimsOfOtherProcesses(keep), 'a previous process');
    }
    await store.registerWorker(me, now);
    this.beatingSince = now;
    this.confirmedAt = this.monotonicNow();
    await this.sweep();
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.deps.store.unregisterWorker(this.deps.me.id).catch(() => {});
  }

  /** One heartbeat and sweep (the timer's; tests call it with a manual clock). */
  async tick(): Promise<void> {
    try {
      const now = this.deps.clock.now().getTime();
      // Declared dead while paused or cut off: its claims were released; come back as new.
      if (!(await this.deps.store.beat(this.deps.me.id, now))) {
        this.deps.onDeclaredDead?.();
        await this.deps.store.registerWorker(this.deps.me, now);
      }
      this.beatingSince ??= now;
      const wasHeld = !this.mayStartWork();
      this.confirmedAt = this.monotonicNow();
      if (wasHeld) this.deps.onConfirmed?.();
      await this.sweep();
    } catch (error) {
      this.beatingSince = undefined;
      this.deps.logger.debug({ err: error }, 'worker heartbeat failed');
    }
  }

  /** Whether a heartbeat lately confirmed this worker (always, before start: tests drive rounds by hand). */
  mayStartWork(): boolean {
    return this.confirmedAt === undefined || this.monotonicNow() - this.confirmedAt < CONFIRMED_WITHIN_MS;
  }

  private async sweep(): Promise<void> {
    const { store, me } = this.deps;
    const now = this.deps.clock.now().getTime();
    const mayJudgeSilence = this.beatingSince !== undefined && now - this.beatingSince >= STALE_AFTER_MS;
    const others = await store.otherWorkers(me.id);
    const dead = others.filter(
      (o) =>
        (mayJudgeSilence && now - o.heartbeat_at >= STALE_AFTER_MS) || (o.host === me.host && o.pid !== me.pid && !this.isAlive(o.pid)),
    );
    // Live: not dead, and heard from lately (before judging silence, a stale row is not counted).
    this.deps.onLiveWorkers?.(1 + others.filter((o) => !dead.includes(o) && now - o.heartbeat_at < STALE_AFTER_MS).length);
    if (dead.length === 0) return;
    // Logged even when they held nothing: a worker that stopped heartbeating is news to an operator.
    this.released(await store.releaseWorkers(dead.map((o) => o.id)), dead.map((o) => o.id).join(', '), true);
  }

  private released(count: number, from: string, always = false): void {
    if (count === 0 && !always) return;
    this.deps.logger.info({ released: count, from }, 'released the claims of stopped workers');
    this.deps.onReleased();
  }
}
