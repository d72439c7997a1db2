// The BullMQ + Redis baseline: the bench process enqueues one job per (activity, webhook) with
// addBulk, as an application would after saving its change; a worker process delivers them.
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { now } from '../lib/deadline.ts';
import { forkTs, ROOT, stopChild } from '../lib/processes.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { hexId, sampleBody } from '../lib/sample-body.ts';
import { CONCURRENCY } from '../sizes.ts';
import { BULLMQ_CONNECTION, type DeliveryJob } from './bullmq-shared.ts';

const BATCH = 1_000;

export interface BullmqRun {
  /** Time from the first enqueue to the arrival that completed `expectOk`. */
  seconds: number;
  okArrived: number;
}

export class BullmqBaseline {
  private constructor(
    private readonly queue: Queue<DeliveryJob>,
    private readonly worker: ChildProcess,
  ) {}

  static async start(timeoutMs: number): Promise<BullmqBaseline> {
    const name = `leadhook-bench-${process.pid}`;
    const queue = new Queue<DeliveryJob>(name, { connection: BULLMQ_CONNECTION });
    await queue.obliterate({ force: true });
    const worker = forkTs(path.join(ROOT, 'bench/baseline/bullmq-worker.ts'), {
      BENCH_QUEUE: name,
      BENCH_TIMEOUT_MS: String(timeoutMs),
      BENCH_CONCURRENCY: String(CONCURRENCY),
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the BullMQ worker did not start within 20 s')), 20_000);
      worker.once('exit', (code) => reject(new Error(`the BullMQ worker exited (${String(code)})`)));
      worker.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return new BullmqBaseline(queue, worker);
  }

  /**
   * Enqueues `activities` activities, each to every path in `paths` (relative to the receiver),
   * and waits until `expectOk` requests have been answered 200.
   */
  async run(receiver: Receiver, activities: number, paths: string[], expectOk: number, deadline: number): Promise<BullmqRun> {
    await receiver.reset();
    const started = await this.enqueue(receiver, activities, paths);
    const stats = await receiver.waitForOk(expectOk, deadline, 'BullMQ baseline');
    return { seconds: (stats.lastOkAt - started) / 1000, okArrived: stats.ok };
  }

  /** Enqueues with addBulk in batches of BATCH jobs; returns when it started (epoch ms). */
  async enqueue(receiver: Receiver, activities: number, paths: string[]): Promise<number> {
    const started = now();
    const perBatch = Math.max(1, Math.floor(BATCH / paths.length));
    for (let first = 0; first < activities; first += perBatch) {
      const jobs = [];
      for (let n = first; n < Math.min(activities, first + perBatch); n++) {
        const activityId = hexId();
        const body = sampleBody(activityId, hexId(), n);
        for (const p of paths) {
          jobs.push({
            name: 'deliver',
            data: { url: receiver.urlFor(p), webhookId: activityId, body },
            opts: { attempts: 10, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: true, removeOnFail: 1_000 },
          });
        }
      }
      await this.queue.addBulk(jobs);
    }
    return started;
  }

  async stop(): Promise<void> {
    await stopChild(this.worker);
    await this.queue.obliterate({ force: true }).catch(() => {});
    await this.queue.close();
  }
}
