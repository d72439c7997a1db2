// What this process knows about its database from the statements it ran: whether it is in an
// outage (and of which kind), and whether writes fail while reads work (a full disk, a read-only
// file). Fed by observed-dialect.ts with every statement's outcome; read by /readyz. It logs one
// line when an outage starts and one when it ends, never one per failed statement.
import type { Logger } from '../shared/logger.ts';
import { classifyStorageError, STORAGE_FAILURES, WRITE_FAILURES, type StorageFailure } from './storage-errors.ts';

/** A write failure older than this no longer makes /readyz fail (no write has been tried since). */
export const WRITE_FAILURE_WINDOW_MS = 60_000;
/**
 * A new outage of the same kind this soon after the last one was logged is not logged again: reads
 * and writes can take turns failing and succeeding on a full disk, and a flaky link can flap.
 */
const relogAfterMs = (kind: StorageFailure['kind']) => (WRITE_FAILURES.has(kind) ? 60_000 : 5_000);

export interface StorageProblem {
  kind: StorageFailure['kind'];
  code: string;
  description: string;
}

export interface StorageHealth {
  /** A statement (or connect) failed; ignored unless it is a storage failure. */
  failed(error: unknown): void;
  /** A statement succeeded; `wrote` when it made a change durable (an autocommit write or a commit). */
  succeeded(wrote: boolean): void;
  /** The outage now in force, if any, for /readyz. */
  problem(): StorageProblem | undefined;
}

interface Outage extends StorageFailure {
  since: number;
  lastAt: number;
  failures: number;
  logged: boolean;
}

export function createStorageHealth(logger: Logger | undefined, now: () => number = Date.now): StorageHealth {
  let outage: Outage | undefined;
  const lastLogged = new Map<string, number>();

  const end = () => {
    if (!outage) return;
    if (outage.logged) {
      logger?.info({ kind: outage.kind, code: outage.code, failures: outage.failures, durationMs: now() - outage.since }, `${STORAGE_FAILURES[outage.kind].description}: recovered`);
    }
    outage = undefined;
  };

  return {
    failed(error) {
      const failure = classifyStorageError(error);
      if (!failure) return;
      const at = now();
      if (outage && outage.kind === failure.kind) {
        outage.failures += 1;
        outage.lastAt = at;
        return;
      }
      end();
      const logged = at - (lastLogged.get(failure.kind) ?? -Infinity) >= relogAfterMs(failure.kind);
      outage = { ...failure, since: at, lastAt: at, failures: 1, logged };
      if (logged) {
        lastLogged.set(failure.kind, at);
        // The driver's error (with addresses) goes to the server log only.
        logger?.error({ kind: failure.kind, code: failure.code, err: error }, STORAGE_FAILURES[failure.kind].description);
      }
    },
    succeeded(wrote) {
      if (!outage) return;
      // A read that works says nothing about a full disk; a durable write does.
      if (WRITE_FAILURES.has(outage.kind) && !wrote) return;
      end();
    },
    problem() {
      if (!outage) return undefined;
      if (WRITE_FAILURES.has(outage.kind) && now() - outage.lastAt > WRITE_FAILURE_WINDOW_MS) return undefined;
      return { kind: outage.kind, code: outage.code, description: STORAGE_FAILURES[outage.kind].description };
    },
  };
}
