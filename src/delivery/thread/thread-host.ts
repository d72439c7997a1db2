// The main-thread side of the delivery thread (`leadhook serve`): spawns it, forwards this
// process's wake-ups to it, feeds /readyz from its health reports and its exit, restarts it with a
// backoff when it dies, and on stop() asks it to drain and waits (then terminates it).
// The API and the delivery worker each get a core this way; they share nothing but the database
// and these messages.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config.ts';
import type { Logger } from '../../shared/logger.ts';
import type { DeliveryMetrics } from '../metrics.ts';
import type { WakeSignal } from '../wakeup.ts';
import { HEALTH_REPORT_MS, type HostMessage, type ThreadData, type ThreadMessage } from './messages.ts';

export interface ThreadHostOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** This process's wake signal (fired by the outbox after commit). */
  wake: WakeSignal;
  /** This process's metrics: attempts recorded in the thread are added here. */
  metrics: DeliveryMetrics;
  /** Starts the thread; tests pass one that runs a stand-in script. */
  spawn?: (data: ThreadData) => Worker;
  /** Delays before restarting a thread that died, by consecutive failure (ms). */
  restartDelaysMs?: readonly number[];
  /** Not ready when the last health report is older than this (ms). */
  staleAfterMs?: number;
  /** How long stop() waits for the drain before terminate() (ms); default: delivery timeout + 10 s. */
  stopTimeoutMs?: number;
  /** Monotonic milliseconds (health staleness, how long a thread ran). */
  now?: () => number;
}

export const DEFAULT_RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** A thread that ran this long before dying counts as healthy: the backoff starts over. */
const STABLE_AFTER_MS = 60_000;

/**
 * The thread's entry file (src/delivery-thread.ts, a composition root of its own). Bundled
 * (dist/cli.js, see scripts/build.mjs) it is the sibling dist/worker-thread.js; run from the
 * TypeScript sources (tests), src/delivery-thread.entry.js loads tsx first.
 */
const THREAD_ENTRY = import.meta.url.endsWith('.ts')
  ? new URL('../../delivery-thread.entry.js', import.meta.url)
  : new URL('./worker-thread.js', import.meta.url);

/**
 * The thread's old-generation limit (MB). V8 lets a heap grow to up to 4× what it holds between
 * full collections when its limit is 2 GiB or more (Node's default here is about 4 GiB), and by
 * 1.3–2× below that. Under a steady drain the thread holds ~20–30 MB, so the default let its heap
 * reach ~100 MB of mostly garbage; at 2,000 MB it stays near 2×, with no change in drain rate
 * (docs/BENCHMARKS.md, "Backlog RSS"). Running out still ends only the thread, which is restarted.
 */
const THREAD_OLD_GENERATION_MB = 2_000;

const spawnEntry = (data: ThreadData) =>
  new Worker(THREAD_ENTRY, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: THREAD_OLD_GENERATION_MB } });

type State = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export class DeliveryThreadHost {
  private state: State = 'idle';
  private thread: Worker | undefined;
  private lastHealth: { at: number; ok: boolean; detail?: string } | undefined;
  private readyAt = 0;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private wakePending = false;
  private unsubscribe: (() => void) | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: ThreadHostOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Spawns the thread and resolves once its worker runs; rejects if it dies before that. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('the delivery thread host starts once');
    this.unsubscribe = this.options.wake.subscribe(() => this.forwardWake());
    this.state = 'starting';
    try {
      await this.spawn();
    } catch (error) {
      this.state = 'stopped';
      this.unsubscribe();
      throw error;
    }
  }

  /** Asks the thread to drain and exit; terminates it if it takes longer than the stop timeout. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return this.exited;
    this.state = 'stopping';
    this.unsubscribe?.();
    clearTimeout(this.restartTimer);
    const thread = this.thread;
    if (!thread) {
      this.state = 'stopped';
      return;
    }
    this.post({ type: 'stop' });
    const timeoutMs = this.options.stopTimeoutMs ?? this.options.config.deliveryTimeoutMs + 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    if (await Promise.race([this.exited.then(() => false), timedOut])) {
      this.options.logger.warn({ timeoutMs }, 'the delivery thread did not drain in time; terminating it');
      await thread.terminate();
      await this.exited;
    }
    clearTimeout(timer);
    this.state = 'stopped';
  }

  /** For /readyz: running, and a recent health report that says ok. */
  health(): { name: string; ok: boolean; detail?: string } {
    const name = 'delivery-worker';
    if (this.state !== 'running') return { name, ok: false, detail: `delivery thread ${this.state}` };
    const report = this.lastHealth;
    const staleAfter = this.options.staleAfterMs ?? 5 * HEALTH_REPORT_MS;
    if (!report || this.now() - report.at > staleAfter) {
      return { name, ok: false, detail: `no health report from the delivery thread for ${Math.round(staleAfter / 1000)} s` };
    }
    return { name, ok: report.ok, ...(report.detail === undefined ? {} : { detail: report.detail }) };
  }

  /** Many wake-ups in one event-loop turn cross to the thread as one message. */
  private forwardWake(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      this.post({ type: 'wake' });
    });
  }

  private post(message: HostMessage): void {
    this.thread?.postMessage(message);
  }

  /** Starts one thread; resolves on its `ready`, rejects if it exits first. */
  private spawn(): Promise<void> {
    const thread = (this.options.spawn ?? spawnEntry)({ config: { ...this.options.config } });
    this.thread = thread;
    this.lastHealth = undefined;
    let resolveExit!: () => void;
    this.exited = new Promise((resolve) => (resolveExit = resolve));
    return new Promise((resolve, reject) => {
      thread.on('message', (message: ThreadMessage) => {
        if (message.type === 'ready') {
          if (this.state === 'starting' || this.state === 'restarting') this.state = 'running';
          this.readyAt = this.now();
          // A worker that just started is healthy until its first report says otherwise.
          this.lastHealth = { at: this.readyAt, ok: true };
          this.options.logger.info({ worker: message.workerId, thread: thread.threadId }, 'delivery worker started');
          resolve();
        } else if (message.type === 'health') {
          this.lastHealth = { at: this.now(), ok: message.ok, ...(message.detail === undefined ? {} : { detail: message.detail }) };
        } else if (message.type === 'attempts') {
          message.outcomes.forEach((outcome, i) => this.options.metrics.recordAttempt(outcome, message.durationsMs[i] ?? 0));
        }
      });
      thread.on('error', (error) => {
        this.options.logger.error({ err: error, thread: thread.threadId }, 'the delivery thread failed');
      });
      thread.on('exit', (code) => {
        if (this.thread === thread) this.thread = undefined;
        resolveExit();
        reject(new Error(`the delivery thread exited (code ${code}) before its worker started`));
        if (this.state === 'stopping' || this.state === 'stopped') return;
        this.options.logger.error({ code, thread: thread.threadId }, 'the delivery thread exited unexpectedly');
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    // The first start has no thread to fall back on: start() reports the failure instead.
    if (this.state === 'starting') return;
    if (this.state === 'running' && this.now() - this.readyAt >= STABLE_AFTER_MS) this.failures = 0;
    const delays = this.options.restartDelaysMs ?? DEFAULT_RESTART_DELAYS_MS;
    const delayMs = delays[Math.min(this.failures, delays.length - 1)] ?? 1_000;
    this.failures += 1;
    this.state = 'restarting';
    this.options.logger.warn({ delayMs, failures: this.failures }, 'restarting the delivery thread');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== 'restarting') return;
      // A thread that dies again before it is ready exits too: the exit handler schedules the next try.
      this.spawn().catch(() => {});
    }, delayMs);
  }
}
