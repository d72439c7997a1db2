// Sustained deliveries per second: activities created through the API as fast as 32 callers go,
// each fanned out to FAN_OUT webhooks by one `leadhook serve` (API + worker in one process).
// Measured from the first API call to the arrival of the last delivery.
import { cpuSince, cpuTimes, postgresServerPids, sampleCpu } from '../lib/cpu.ts';
import { DeadlineError, now } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { createLeadsClosedLoop } from '../leadhook/driver.ts';
import { okPaths, openSession, type Session } from '../leadhook/session.ts';
import { FAN_OUT } from '../sizes.ts';
import type { ThroughputResult } from './limit.ts';

export const DRIVER_CONCURRENCY = 32;

export interface LeadhookThroughput extends ThroughputResult {
  /** Activities per second the API accepted while the worker was delivering. */
  apiPerSecond: number;
  duplicates: number;
  /** True when the deadline cut the run: the rate is then what arrived over the time elapsed. */
  cut: boolean;
  /** CPU of the API thread (serve's main thread) per activity, µs. */
  apiCpuUsPerActivity: number;
  /** CPU of the whole serve process (API, delivery thread, checkpoints) per delivery, µs. */
  cpuUsPerDelivery: number;
  /** CPU of the PostgreSQL server (API writes and deliveries) per delivery, µs; null on SQLite. */
  databaseCpuUsPerDelivery: number | null;
}

/** A few hundred deliveries first, so JIT, pools and caches are warm for the measured run. */
export async function warmUp(session: Session, receiver: Receiver, fanOut: number, deadline: number): Promise<void> {
  await receiver.reset();
  await createLeadsClosedLoop(session.api, session.pipelineId, 60, 8, deadline);
  await receiver.waitForOk(60 * fanOut, deadline, 'warm-up');
}

export async function leadhookThroughput(dialect: Dialect, receiver: Receiver, activities: number, deadline: number): Promise<LeadhookThroughput> {
  const session = await openSession(dialect, receiver, okPaths(FAN_OUT), { worker: true });
  try {
    await warmUp(session, receiver, FAN_OUT, deadline);
    await receiver.reset(true);
    const cpuBefore = cpuTimes(session.server.pid);
    const databaseCpu = dialect === 'postgres' ? sampleCpu(postgresServerPids, 250) : undefined;
    const started = now();
    const created = await createLeadsClosedLoop(session.api, session.pipelineId, activities, DRIVER_CONCURRENCY, deadline);
    const apiSeconds = (now() - started) / 1000;
    const total = activities * FAN_OUT;
    let cut = created < activities;
    try {
      if (!cut) await receiver.waitForOk(total, deadline, `leadhook ${dialect} throughput`);
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      cut = true;
    }
    const cpu = cpuSince(session.server.pid, cpuBefore);
    const stats = await receiver.stats();
    const end = cut ? now() : stats.lastOkAt;
    databaseCpu?.stop();
    const databaseSeconds = databaseCpu ? databaseCpu.secondsAt(end) - databaseCpu.secondsAt(started) : null;
    const seconds = (end - started) / 1000;
    return { deliveries: stats.ok, seconds, perSecond: stats.ok / seconds, apiPerSecond: created / apiSeconds, duplicates: stats.duplicates, cut,
      apiCpuUsPerActivity: (cpu.mainThreadMs * 1000) / Math.max(1, created), cpuUsPerDelivery: (cpu.processMs * 1000) / Math.max(1, stats.ok),
      databaseCpuUsPerDelivery: databaseSeconds === null ? null : (databaseSeconds * 1e6) / Math.max(1, stats.ok) };
  } finally {
    await session.close();
  }
}
