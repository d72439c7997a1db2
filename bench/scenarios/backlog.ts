// Backlog drain: `count` pending deliveries written straight into the outbox while nothing
// delivers, then the delivery processes start and drain it. On SQLite the one process is
// `leadhook serve` (the default deployment); on PostgreSQL, `workers` × `leadhook worker`.
// A tenth more is written and delivered first as a warm-up. Reports the time from start to the
// last arrival, the steady drain rate of the `count` after the warm-up (its end → last arrival),
// the peak RSS of the delivery processes, sampled from /proc/<pid>/status, and their CPU time per
// delivery over the same window (/proc/<pid>/stat): on a machine whose cores the receiver and the
// database share, CPU per delivery is the figure a wall-clock rate hides. PostgreSQL workers are
// held until all of them have registered (releaseWhenWorkersReady), so no worker's start-up or
// warm-up falls inside the measured window. Each delivery is attributed to the process that sent it
// (lib/socket-owners.ts), which shows how evenly several workers share the backlog.
import { DeadlineError, now } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { postgresServerPids, sampleCpu } from '../lib/cpu.ts';
import { sampleRss } from '../lib/rss.ts';
import { deliveriesPerProcess, samplePortOwners } from '../lib/socket-owners.ts';
import { holdWebhooks, insertBacklog, releaseWhenWorkersReady } from '../leadhook/backlog.ts';
import { startServe, startWorker, type LeadhookProcess } from '../leadhook/deployment.ts';
import { okPaths, openSession } from '../leadhook/session.ts';
import { FAN_OUT } from '../sizes.ts';

export interface BacklogResult {
  count: number;
  delivered: number;
  insertSeconds: number;
  /** Start of the delivery processes → last arrival. */
  totalSeconds: number;
  /** Deliveries per second from the end of the warm-up to the last arrival. */
  drainPerSecond: number;
  peakRssMiB: number;
  /** CPU time (user + system) of the delivery processes per delivery, same window (µs). */
  cpuMicrosPerDelivery: number;
  /** The same for the PostgreSQL server's processes (PostgreSQL only; µs). */
  databaseCpuMicrosPerDelivery: number | null;
  /** Requests that repeated a (webhook, webhook-id) already received: sent more than once. */
  duplicates: number;
  /** Deliveries each delivery process sent (start order), the warm-up included. */
  perProcess: number[];
  /** Deliveries whose connection no delivery process was seen holding. */
  unattributed: number;
  /** Set when the deadline passed before the backlog was drained. */
  timedOut: boolean;
}

export async function backlogDrain(dialect: Dialect, receiver: Receiver, count: number, workers: number, deadline: number): Promise<BacklogResult> {
  const session = await openSession(dialect, receiver, okPaths(FAN_OUT), { worker: false });
  const processes: LeadhookProcess[] = [];
  try {
    // Webhooks exist; now nothing may deliver while the backlog is written.
    await session.server.stop();
    // A tenth more than measured goes first as a warm-up: every delivery process has compiled
    // its hot code and filled its pools before the measured window opens (with two workers, the
    // second one's warm-up otherwise fell inside it).
    const warmUp = Math.round(count / 10);
    const insertStarted = now();
    await insertBacklog(session.database, { accountId: session.accountId, webhookIds: session.webhookIds }, warmUp + count);
    const insertSeconds = (now() - insertStarted) / 1000;

    await receiver.reset();
    if (dialect === 'postgres') await holdWebhooks(session.database, session.webhookIds);
    const started = now();
    if (dialect === 'sqlite') processes.push(await startServe(session.database, { worker: true }));
    else for (let i = 0; i < workers; i++) processes.push(startWorker(session.database));
    const samplers = processes.map((p) => sampleRss(p.pid));
    const portOwners = samplePortOwners(processes.map((p) => p.pid), receiver.ports);
    const cpu = sampleCpu(processes.map((p) => p.pid));
    const databaseCpu = dialect === 'postgres' ? sampleCpu(postgresServerPids, 250) : undefined;
    if (dialect === 'postgres') await releaseWhenWorkersReady(session.database, session.webhookIds, workers, deadline);
    let timedOut = false;
    let window = { at: now(), ok: 0 };
    try {
      const warm = await receiver.waitForOk(warmUp, deadline, `warm-up of the backlog on ${dialect}`);
      window = { at: now(), ok: warm.ok };
      await receiver.waitForOk(warmUp + count, deadline, `backlog of ${count} on ${dialect}`);
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      timedOut = true;
    }
    const stats = await receiver.stats();
    const peakRssMiB = Math.max(...samplers.map((s) => s.peakMiB()));
    for (const s of samplers) s.stop();
    const shares = deliveriesPerProcess(stats.okBySenderPort, portOwners.owners(), processes.length);
    portOwners.stop();
    cpu.stop();
    databaseCpu?.stop();
    const measured = Math.max(0, stats.ok - window.ok);
    const cpuSeconds = cpu.secondsAt(stats.lastOkAt) - cpu.secondsAt(window.at);
    const databaseSeconds = databaseCpu ? databaseCpu.secondsAt(stats.lastOkAt) - databaseCpu.secondsAt(window.at) : null;
    return {
      count,
      delivered: Math.max(0, stats.ok - warmUp),
      insertSeconds,
      totalSeconds: (stats.lastOkAt - started) / 1000,
      drainPerSecond: measured / Math.max(0.001, (stats.lastOkAt - window.at) / 1000),
      peakRssMiB,
      cpuMicrosPerDelivery: (cpuSeconds * 1e6) / Math.max(1, measured),
      databaseCpuMicrosPerDelivery: databaseSeconds === null ? null : (databaseSeconds * 1e6) / Math.max(1, measured),
      duplicates: stats.duplicates,
      ...shares,
      timedOut,
    };
  } finally {
    for (const p of processes) await p.stop();
    await session.close();
  }
}
