// The server is a process: listen, and on SIGTERM/SIGINT stop taking requests, let the ones in
// flight finish, then run the given shutdown steps (the worker drains, the database closes). A
// shutdown that hangs (a database that does not answer) is cut short after `forceAfterMs`.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../shared/logger.ts';

export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  return app.listen({ host, port });
}

export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>, forceAfterMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ forceAfterMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, forceAfterMs);
    force.unref();
    shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
