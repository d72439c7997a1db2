// A brake on password guessing (docs/SECURITY.md, "Login"). Every login attempt is counted the
// moment it arrives, before the slow password hash, so a burst sent at once is counted as a burst.
// An attempt is counted against several keys (one email from one address, one address, one email
// from anywhere), each with its own limit per window; a successful login gives its attempt back,
// so the counts are failures plus attempts still being checked.
// In memory and per process on purpose: it slows a guesser down; the per-email limit is set high
// so that it is hard to lock a user out. Time comes from the caller's clock.
export interface ThrottleRule {
  key: string;
  max: number;
}

export interface LoginThrottleOptions {
  windowMs: number;
  /** Attempts per window for one email from one client address. */
  perEmailAndAddress: number;
  /** Attempts per window from one client address, any emails. */
  perAddress: number;
  /** Attempts per window for one email, from any addresses. */
  perEmail: number;
}

export const DEFAULT_THROTTLE: LoginThrottleOptions = { windowMs: 15 * 60_000, perEmailAndAddress: 10, perAddress: 100, perEmail: 50 };

interface Entry {
  count: number;
  windowStart: number;
}

export interface Reservation {
  /** Settles the attempt: a success gives it back and clears the email-and-address count. */
  settle(succeeded: boolean): void;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; retryAfterMs: number };

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_THROTTLE) {}

  /** Counts one login attempt for `email` from `address` now, or says how long to wait. */
  reserve(email: string, address: string, now: number): ReserveResult {
    const rules: ThrottleRule[] = [
      { key: `ea|${address}|${email}`, max: this.options.perEmailAndAddress },
      { key: `a|${address}`, max: this.options.perAddress },
      { key: `e|${email}`, max: this.options.perEmail },
    ];
    this.prune(now);
    let wait = 0;
    for (const rule of rules) {
      const entry = this.current(rule.key, now);
      if (entry && entry.count >= rule.max) wait = Math.max(wait, entry.windowStart + this.options.windowMs - now);
    }
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    const counted = rules.map((rule) => {
      const entry = this.current(rule.key, now) ?? { count: 0, windowStart: now };
      entry.count += 1;
      this.entries.set(rule.key, entry);
      return { key: rule.key, entry };
    });
    let settled = false;
    return {
      ok: true,
      reservation: {
        settle: (succeeded) => {
          if (settled || !succeeded) {
            settled = true;
            return;
          }
          settled = true;
          for (const { key, entry } of counted) {
            if (this.entries.get(key) !== entry) continue;
            entry.count -= 1;
            if (key.startsWith('ea|') || entry.count <= 0) this.entries.delete(key);
          }
        },
      },
    };
  }

  private current(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now >= entry.windowStart + this.options.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Bounds memory: forget windows that have ended once the map grows large. */
  private prune(now: number): void {
    if (this.entries.size < 30_000) return;
    for (const [key, entry] of this.entries) {
      if (now >= entry.windowStart + this.options.windowMs) this.entries.delete(key);
    }
  }
}
