// CPU time a process has used, from /proc (Linux): the whole process and its main thread (the
// thread whose id is the process id; in `leadhook serve` that is the API, and the delivery worker
// runs on a thread of its own). CPU time per operation stays meaningful on a busy machine where
// wall-clock rates do not.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { now } from './deadline.ts';

export interface CpuTimes {
  /** Milliseconds of user + system time, all threads. */
  processMs: number;
  /** Milliseconds of user + system time of the main thread. */
  mainThreadMs: number;
}

let ticksPerSecond: number | undefined;

function readMs(statFile: string): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = fs.readFileSync(statFile, 'utf8');
  // Fields after "(comm) ": state is the first; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

export function cpuTimes(pid: number): CpuTimes {
  return { processMs: readMs(`/proc/${pid}/stat`), mainThreadMs: readMs(`/proc/${pid}/task/${pid}/stat`) };
}

/** CPU used since `before`. */
export function cpuSince(pid: number, before: CpuTimes): CpuTimes {
  const after = cpuTimes(pid);
  return { processMs: after.processMs - before.processMs, mainThreadMs: after.mainThreadMs - before.mainThreadMs };
}

/** The PostgreSQL server's processes on this machine (postmaster, backends, background workers). */
export function postgresServerPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8') === 'postgres\n') pids.push(Number(entry));
    } catch {
      // exited
    }
  }
  return pids;
}

/**
 * CPU seconds (all threads) of the processes, sampled every `everyMs`; an exited one keeps its last
 * reading. `pids` may be a function, asked at every sample, for a set of processes that changes.
 */
export function sampleCpu(pids: number[] | (() => number[]), everyMs = 50): { secondsAt(at: number): number; stop(): void } {
  const last = new Map<number, number>();
  const read = (): number => {
    let total = 0;
    for (const pid of typeof pids === 'function' ? pids() : pids) {
      try {
        last.set(pid, cpuTimes(pid).processMs / 1000);
      } catch {
        // exited
      }
      total += last.get(pid) ?? 0;
    }
    return total;
  };
  const samples: Array<[number, number]> = [[now(), read()]];
  const timer = setInterval(() => samples.push([now(), read()]), everyMs);
  return {
    /** Interpolated between the samples around `at` (the bench clock's ms). */
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
