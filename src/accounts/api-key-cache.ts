// A short-lived cache of API-key lookups, so a busy key costs no database read per request
// (docs/SECURITY.md, "Keys and users"). In this process a revocation, a disabled, removed or changed
// user, or a password change that revokes keys takes effect on the next request: the services that
// make those changes call `credentialsChanged()` after their commit, which empties every cache here.
// Another process (the CLI, a second API process) is not told: its change is seen within
// API_KEY_CACHE_TTL_MS. Unknown keys are never cached.
import type { Clock } from '../shared/clock.ts';

/** How long a looked-up key is trusted without reading the database again: the bound for changes made by another process. */
export const API_KEY_CACHE_TTL_MS = 2_000;
const CAPACITY = 10_000;

let generation = 0;

/** Call after committing a change to a key or a user: every cache in this process forgets what it holds. */
export function credentialsChanged(): void {
  generation++;
}

export interface KeyCache<T> {
  /** The value stored for `keyHash` within the last API_KEY_CACHE_TTL_MS and since the last change, or undefined. */
  get(keyHash: string): T | undefined;
  /**
   * Looks the key up with `load` and keeps a found value, unless a change was committed while
   * `load` ran (its answer may predate the change).
   */
  load(keyHash: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
}

export function createKeyCache<T>(clock: Clock, ttlMs = API_KEY_CACHE_TTL_MS): KeyCache<T> {
  const entries = new Map<string, { value: T; until: number; generation: number }>();
  return {
    get(keyHash) {
      const entry = entries.get(keyHash);
      if (!entry) return undefined;
      if (entry.generation === generation && clock.now().getTime() < entry.until) return entry.value;
      entries.delete(keyHash);
      return undefined;
    },
    async load(keyHash, load) {
      const before = generation;
      const value = await load();
      if (value === undefined || before !== generation) return value;
      if (entries.size >= CAPACITY) entries.clear();
      entries.set(keyHash, { value, until: clock.now().getTime() + ttlMs, generation });
      return value;
    },
  };
}
