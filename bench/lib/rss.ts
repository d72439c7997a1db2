// Peak resident memory of a process, sampled from /proc/<pid>/status (Linux). VmHWM is the kernel's
// own high-water mark, so a short spike between two samples is not missed; VmRSS is sampled too.
import fs from 'node:fs';

export interface RssSampler {
  /** Highest VmHWM / VmRSS seen, in MiB. */
  peakMiB(): number;
  stop(): void;
}

export function sampleRss(pid: number, everyMs = 250): RssSampler {
  let peakKiB = 0;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      for (const key of ['VmHWM', 'VmRSS']) {
        const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
        if (match?.[1]) peakKiB = Math.max(peakKiB, Number(match[1]));
      }
    } catch {
      // the process has exited: keep the last peak
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peakMiB: () => {
      sample();
      return peakKiB / 1024;
    },
    stop: () => clearInterval(timer),
  };
}
