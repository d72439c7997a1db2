// Every loop in the bench is bounded in time: a scenario gets a hard deadline, and waiting past it
// is an error that ends the scenario (its row reads "timeout") instead of hanging the run.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/** Milliseconds since the epoch with sub-millisecond precision; comparable across processes. */
export const now = (): number => performance.timeOrigin + performance.now();

export class DeadlineError extends Error {
  constructor(what: string, detail: string) {
    super(`deadline passed while waiting for ${what}${detail ? ` (${detail})` : ''}`);
    this.name = 'DeadlineError';
  }
}

/** Polls `done` every `everyMs` until it is true; throws DeadlineError at `deadline` (epoch ms). */
export async function waitFor(
  deadline: number,
  what: string,
  done: () => Promise<boolean> | boolean,
  progress: () => string = () => '',
  everyMs = 50,
): Promise<void> {
  for (;;) {
    if (await done()) return;
    if (now() > deadline) throw new DeadlineError(what, progress());
    await sleep(everyMs);
  }
}

export { sleep };
