// PostgreSQL LISTEN on a dedicated pg.Client (a pooled connection cannot hold a LISTEN). It
// reconnects after errors; while disconnected the worker's fallback poll still finds the work.
import pg from 'pg';
import type { Logger } from '../shared/logger.ts';
import { NOTIFY_CHANNEL } from './wakeup.ts';

export interface Listener {
  close(): Promise<void>;
}

export function listenForWork(url: string, onNotify: () => void, logger: Logger): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', () => onNotify());
    next.on('error', (error) => {
      logger.warn({ err: error }, 'LISTEN connection lost; reconnecting');
      next.end().catch(() => {});
      if (client === next) client = undefined;
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      // Work may have arrived while we were not listening.
      onNotify();
    } catch (error) {
      logger.warn({ err: error }, 'LISTEN connection failed; retrying');
      next.end().catch(() => {});
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1_000);
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}
