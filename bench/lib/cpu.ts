// CPU time a process has used, from /proc (Linux): the whole process and its main thread (the
// thread whose id is the process id; in `leadhook serve` that is the API, and the delivery worker
// runs on a thread of its own). CPU time per operation stays meaningful on a busy machine where
// wall-clock rates do not.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

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
