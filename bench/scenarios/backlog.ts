// Backlog drain: `count` pending deliveries written straight into the outbox while nothing
// delivers, then the delivery processes start and drain it. On SQLite the one process is
// `leadhook serve` (the default deployment); on PostgreSQL, `workers` × `leadhook worker`.
// Reports the time from start to the last arrival, the steady drain rate (first → last arrival),
// the peak RSS of the delivery processes, sampled from /proc/<pid>/status, and their CPU time per
// delivery between the first and the last arrival (/proc/<pid>/stat): on a machine whose cores the
// receiver and the database share, CPU per delivery is the figure a wall-clock rate hides.
import fs from 'node:fs';
import { DeadlineError, now } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { sampleRss } from '../lib/rss.ts';
import { insertBacklog } from '../leadhook/backlog.ts';
import { startServe, startWorker, type LeadhookProcess } from '../leadhook/deployment.ts';
import { okPaths, openSession } from '../leadhook/session.ts';
import { FAN_OUT } from '../sizes.ts';

export interface BacklogResult {
  count: number;
  delivered: number;
  insertSeconds: number;
  /** Start of the delivery processes → last arrival. */
  totalSeconds: number;
  /** Deliveries per second between the first and the last arrival. */
  drainPerSecond: number;
  peakRssMiB: number;
  /** CPU time (user + system) of the delivery processes per delivery, first → last arrival (µs). */
  cpuMicrosPerDelivery: number;
  /** Requests that repeated a (webhook, webhook-id) already received: sent more than once. */
  duplicates: number;
  /** Set when the deadline passed before the backlog was drained. */
  timedOut: boolean;
}

export async function backlogDrain(dialect: Dialect, receiver: Receiver, count: number, workers: number, deadline: number): Promise<BacklogResult> {
  const session = await openSession(dialect, receiver, okPaths(FAN_OUT), { worker: false });
  const processes: LeadhookProcess[] = [];
  try {
    // Webhooks exist; now nothing may deliver while the backlog is written.
    await session.server.stop();
    const insertStarted = now();
    await insertBacklog(session.database, { accountId: session.accountId, webhookIds: session.webhookIds }, count);
    const insertSeconds = (now() - insertStarted) / 1000;

    await receiver.reset();
    const started = now();
    if (dialect === 'sqlite') processes.push(await startServe(session.database, { worker: true }));
    else for (let i = 0; i < workers; i++) processes.push(startWorker(session.database));
    const samplers = processes.map((p) => sampleRss(p.pid));
    const cpu = sampleCpu(processes.map((p) => p.pid));
    let timedOut = false;
    try {
      await receiver.waitForOk(count, deadline, `backlog of ${count} on ${dialect}`);
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      timedOut = true;
    }
    const stats = await receiver.stats();
    const peakRssMiB = Math.max(...samplers.map((s) => s.peakMiB()));
    for (const s of samplers) s.stop();
    cpu.stop();
    const cpuSeconds = cpu.secondsAt(stats.lastOkAt) - cpu.secondsAt(stats.firstAt);
    return {
      count,
      delivered: stats.ok,
      insertSeconds,
      totalSeconds: (stats.lastOkAt - started) / 1000,
      drainPerSecond: stats.ok / Math.max(0.001, (stats.lastOkAt - stats.firstAt) / 1000),
      peakRssMiB,
      cpuMicrosPerDelivery: (cpuSeconds * 1e6) / Math.max(1, stats.ok),
      duplicates: stats.duplicates,
      timedOut,
    };
  } finally {
    for (const p of processes) await p.stop();
    await session.close();
  }
}

/** CPU seconds (user + system, all threads) of the processes, sampled every `everyMs`. */
function sampleCpu(pids: number[], everyMs = 50): { secondsAt(at: number): number; stop(): void } {
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  const last = new Map<number, number>();
  const read = (): number => {
    let total = 0;
    for (const pid of pids) {
      try {
        // Fields after the command name: state is 3rd, utime 14th, stime 15th (proc(5)).
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        last.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
      } catch {
        // exited: keep its last reading
      }
      total += last.get(pid) ?? 0;
    }
    return total;
  };
  const samples: Array<[number, number]> = [[now(), read()]];
  const timer = setInterval(() => samples.push([now(), read()]), everyMs);
  return {
    /** Interpolated between the samples around `at` (epoch ms). */
    secondsAt(at) {
      let before = samples[0]!;
      for (const sample of samples) {
        if (sample[0] > at) {
          const span = sample[0] - before[0];
          return span <= 0 ? sample[1] : before[1] + ((sample[1] - before[1]) * (at - before[0])) / span;
        }
        before = sample;
      }
      return before[1];
    },
    stop: () => clearInterval(timer),
  };
}
