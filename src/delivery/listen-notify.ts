// PostgreSQL LISTEN on a dedicated pg.Client (a pooled connection cannot hold a LISTEN). When its
// connection is lost (a database restart, a killed backend) it reconnects by itself with a backoff
// (LISTEN_RETRY_MS), logging one line when the outage starts and one when it ends, never one per
// try, and it never lets an 'error' event go unheard (that would end the process). While it is
// away the worker's fallback poll still finds the work, and each reconnect wakes the worker once.
import pg from 'pg';
import type { Logger } from '../shared/logger.ts';
import { NOTIFY_CHANNEL } from './wakeup.ts';

export interface Listener {
  close(): Promise<void>;
}

/** Waits before each reconnect attempt of one outage (ms), the last repeated. */
export const LISTEN_RETRY_MS = [100, 500, 1_000, 2_000, 5_000];

export interface ListenOptions {
  retryMs?: readonly number[];
  /** Builds the client (tests count or break them). */
  newClient?: (url: string) => pg.Client;
}

export function listenForWork(url: string, onNotify: () => void, logger: Logger, options: ListenOptions = {}): Listener {
  const retryMs = options.retryMs ?? LISTEN_RETRY_MS;
  const newClient = options.newClient ?? ((connectionString: string) => new pg.Client({ connectionString }));
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  /** Failed tries in the current outage; 0 while connected. */
  let failures = 0;
  let outageSince: number | undefined;

  const lost = (which: pg.Client, error: unknown) => {
    if (which !== client && client !== undefined) return; // an old client's late event
    client = undefined;
    which.removeAllListeners('notification');
    which.end().catch(() => {});
    if (closed) return;
    if (outageSince === undefined) {
      outageSince = Date.now();
      logger.warn({ err: error }, 'LISTEN connection lost; reconnecting in the background');
    } else logger.debug({ err: error, failures }, 'LISTEN reconnect failed');
    schedule();
  };

  const connect = async () => {
    const next = newClient(url);
    client = next;
    // Registered before connect(): an 'error' with no listener would end the process.
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('LISTEN connection ended')));
    next.on('notification', () => onNotify());
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      failures += 1;
      lost(next, error);
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    if (outageSince !== undefined) logger.info({ downMs: Date.now() - outageSince, tries: failures + 1 }, 'LISTEN connection restored');
    failures = 0;
    outageSince = undefined;
    // Work may have arrived while we were not listening.
    onNotify();
  };

  const schedule = () => {
    if (closed || retry) return;
    const delay = retryMs[Math.min(failures, retryMs.length - 1)] ?? 1_000;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
  };

  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
