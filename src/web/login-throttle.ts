// A small brake on password guessing (PRODUCT §5): after `maxFailures` failed logins for one
// email from one address within `windowMs`, further attempts are refused until the window ends.
// In memory and per process on purpose: it slows a guesser down, it is not an account lockout
// (which would let anyone lock a user out). Time comes from the caller's clock (STYLE §4).
export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

interface Entry {
  failures: number;
  windowStart: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: LoginThrottleOptions = { maxFailures: 10, windowMs: 15 * 60_000 }) {}

  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    const windowEnd = entry.windowStart + this.options.windowMs;
    if (now >= windowEnd) {
      this.entries.delete(key);
      return 0;
    }
    return entry.failures >= this.options.maxFailures ? windowEnd - now : 0;
  }

  recordFailure(key: string, now: number): void {
    this.prune(now);
    const entry = this.entries.get(key);
    if (!entry || now >= entry.windowStart + this.options.windowMs) {
      this.entries.set(key, { failures: 1, windowStart: now });
    } else {
      entry.failures += 1;
    }
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  /** Bounds memory: forget windows that have ended once the map grows large. */
  private prune(now: number): void {
    if (this.entries.size < 10_000) return;
    for (const [key, entry] of this.entries) {
      if (now >= entry.windowStart + this.options.windowMs) this.entries.delete(key);
    }
  }
}
