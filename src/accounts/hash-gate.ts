// Bounds how many password hashes run at once (docs/SECURITY.md, "Login"). Hashing is deliberately
// slow; without a bound, a flood of unauthenticated logins takes every core and thread from the
// rest of the server. Excess calls wait in a bounded queue; beyond it they are refused at once.
import { AppError } from '../shared/errors.ts';

export interface HashGateLimits {
  /** Hashes running at the same time. */
  concurrency: number;
  /** Callers waiting for a slot; one more is refused with `rate_limited`. */
  maxQueue: number;
}

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private limits: HashGateLimits) {}

  configure(limits: HashGateLimits): void {
    this.limits = limits;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.maxQueue) {
        throw new AppError('rate_limited', 'The server is busy checking passwords; try again in a moment');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
