// A brake on password guessing (docs/SECURITY.md, "Login"). Every login attempt is counted the
// moment it arrives, before the slow password hash, so a burst sent at once is counted as a burst.
// An attempt is counted against several keys (one email from one address, one address, one email
// from anywhere), each with its own limit per window; a successful login gives its attempt back,
// so the counts are failures plus attempts still being checked.
// In memory and per process on purpose: it slows a guesser down; the per-email limit is set high
// so that it is hard to lock a user out. Time comes from the caller's clock.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

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
  /** Keys remembered at most; past it the oldest are forgotten (default 200,000). */
  maxEntries?: number;
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
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_THROTTLE) {}

  /** Keys being counted (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Counts one login attempt for `email` from `address` now, or says how long to wait. */
  reserve(email: string, clientAddress: string, now: number): ReserveResult {
    const address = addressKey(clientAddress);
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

  /**
   * Bounds memory: once the map is large, forget ended windows (at most one sweep per second), and
   * past MAX_ENTRIES drop the oldest tenth (a flood of distinct emails must not exhaust memory; the
   * hash gate still bounds how fast passwords are checked). Both are amortised O(1) per attempt.
   */
  private prune(now: number): void {
    const max = this.options.maxEntries ?? MAX_ENTRIES;
    if (this.entries.size >= Math.min(30_000, max / 2) && now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      for (const [key, entry] of this.entries) {
        if (now >= entry.windowStart + this.options.windowMs) this.entries.delete(key);
      }
    }
    if (this.entries.size < max) return;
    let excess = this.entries.size - max * 0.9;
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

const MAX_ENTRIES = 200_000;

/** IPv6 clients are counted per /64 (one host usually holds a whole /64); IPv4 per address. */
export function addressKey(address: string): string {
  if (net.isIPv4(address) || !net.isIPv6(address)) return address;
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
