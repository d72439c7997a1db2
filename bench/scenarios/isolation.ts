// Isolation: ISOLATION_WEBHOOKS webhooks, of which ISOLATION_HANGING (a quarter) hang until the
// delivery timeout. The healthy webhooks' deliveries per second are compared with the same
// webhooks' rate in a run where every webhook is healthy. Run for leadhook and for the BullMQ
// baseline (whose worker shares its 64 slots among all endpoints).
import { BullmqBaseline } from '../baseline/bullmq.ts';
import { now, sleep } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { createLeadsClosedLoop } from '../leadhook/driver.ts';
import { openSession } from '../leadhook/session.ts';
import { BENCH_DELIVERY_TIMEOUT_MS, ISOLATION_HANGING, ISOLATION_WEBHOOKS } from '../sizes.ts';
import { DRIVER_CONCURRENCY, warmUp } from './leadhook-throughput.ts';

export interface IsolationResult {
  /** Healthy webhooks' deliveries per second with every webhook healthy. */
  allHealthyPerSecond: number;
  /** The same webhooks' rate while the others hang. */
  withHangingPerSecond: number;
  share: number;
  /** Healthy deliveries that arrived in the run with hanging webhooks (it may be cut short). */
  withHangingArrived: number;
  expected: number;
  withHangingSeconds: number;
}

const HEALTHY = ISOLATION_WEBHOOKS - ISOLATION_HANGING;
const healthyPaths = Array.from({ length: HEALTHY }, (_, i) => `/ok/${i}`);
const allHealthy = [...healthyPaths, ...Array.from({ length: ISOLATION_HANGING }, (_, i) => `/ok/${HEALTHY + i}`)];
const withHanging = [...healthyPaths, ...Array.from({ length: ISOLATION_HANGING }, (_, i) => `/hang/${HEALTHY + i}`)];

/** Rate of the healthy paths only: in the all-healthy run the extra paths' arrivals are left out. */
function healthyOk(okByPath: Record<string, number>): number {
  return healthyPaths.reduce((sum, p) => sum + (okByPath[p] ?? 0), 0);
}

interface HealthyRate {
  perSecond: number;
  /** Healthy deliveries arrived; below `activities × HEALTHY` when the run was cut short. */
  arrived: number;
  expected: number;
  seconds: number;
}

async function leadhookRun(dialect: Dialect, receiver: Receiver, paths: string[], activities: number, stopAt: (started: number) => number, deadline: number): Promise<HealthyRate> {
  const session = await openSession(dialect, receiver, paths, { worker: true });
  try {
    await warmUp(session, receiver, paths.filter((p) => p.startsWith('/ok/')).length, deadline);
    await receiver.reset();
    const started = now();
    await createLeadsClosedLoop(session.api, session.pipelineId, activities, DRIVER_CONCURRENCY, deadline);
    return await healthyRate(receiver, activities, started, Math.min(stopAt(started), deadline));
  } finally {
    await session.close();
  }
}

/**
 * Waits for every healthy delivery; the rate runs to the arrival of the last one. When the run
 * would take longer than `stopAt` (a collapsed rate), it is cut there and the rate is what
 * arrived so far over the time elapsed.
 */
async function healthyRate(receiver: Receiver, activities: number, started: number, stopAt: number): Promise<HealthyRate> {
  const expected = activities * HEALTHY;
  for (;;) {
    const stats = await receiver.stats();
    const arrived = healthyOk(stats.okByPath);
    if (arrived >= expected) {
      const doneAt = Math.max(...healthyPaths.map((p) => stats.lastOkAtByPath[p] ?? 0));
      const seconds = (doneAt - started) / 1000;
      return { perSecond: expected / seconds, arrived, expected, seconds };
    }
    if (now() > stopAt) {
      const seconds = (now() - started) / 1000;
      return { perSecond: arrived / seconds, arrived, expected, seconds };
    }
    await sleep(50);
  }
}

/** The run with hanging webhooks may take at most 3× the all-healthy run (at least 5 s). */
const cutAfter = (healthy: HealthyRate) => (started: number) => started + Math.max(5_000, 3_000 * healthy.seconds);

function result(healthy: HealthyRate, hanging: HealthyRate): IsolationResult {
  return {
    allHealthyPerSecond: healthy.perSecond,
    withHangingPerSecond: hanging.perSecond,
    share: hanging.perSecond / healthy.perSecond,
    withHangingArrived: hanging.arrived,
    expected: hanging.expected,
    withHangingSeconds: hanging.seconds,
  };
}

export async function leadhookIsolation(dialect: Dialect, receiver: Receiver, activities: number, deadline: number): Promise<IsolationResult> {
  // Each run gets half of the scenario's time.
  const half = now() + (deadline - now()) / 2;
  const healthy = await leadhookRun(dialect, receiver, allHealthy, activities, () => half, half);
  const hanging = await leadhookRun(dialect, receiver, withHanging, activities, cutAfter(healthy), deadline);
  return result(healthy, hanging);
}

export async function bullmqIsolation(receiver: Receiver, activities: number, deadline: number): Promise<IsolationResult> {
  const rate = async (paths: string[], stopAt: (started: number) => number) => {
    const baseline = await BullmqBaseline.start(BENCH_DELIVERY_TIMEOUT_MS);
    try {
      await receiver.reset();
      const started = await baseline.enqueue(receiver, activities, paths);
      return await healthyRate(receiver, activities, started, Math.min(stopAt(started), deadline));
    } finally {
      await baseline.stop();
    }
  };
  const half = now() + (deadline - now()) / 2;
  const healthy = await rate(allHealthy, () => half);
  const hanging = await rate(withHanging, cutAfter(healthy));
  return result(healthy, hanging);
}
