// Composition root: configuration → context → HTTP app and/or delivery worker.
import type { Config } from './config.ts';
import { createContext, type AppContext, type ContextOverrides } from './context.ts';
import { DeliveryThreadHost } from './delivery/thread/thread-host.ts';
import { createApp } from './http/app.ts';
import { listen, onShutdownSignal } from './http/server.ts';
import { setupTracing } from './telemetry/tracing.ts';

export interface RunningServer {
  ctx: AppContext;
  url: string | undefined;
  stop(): Promise<void>;
}

export interface ServeOptions {
  api: boolean;
  worker: boolean;
}

/** `leadhook serve` (api + worker), `serve --no-worker` (api) and `leadhook worker` (worker). */
export async function serve(config: Readonly<Config>, options: ServeOptions, overrides: ContextOverrides = {}): Promise<RunningServer> {
  const ctx = await createContext(config, overrides);
  ctx.database.checkpointInBackground();
  const app = options.api ? await createApp(ctx) : undefined;
  let stopWorker = async () => {};
  if (options.worker) stopWorker = workerOnItsOwnThread(config, options, overrides) ? await startWorkerThread(ctx) : await startWorker(ctx);
  const url = app ? await listen(app, config.host, config.port) : undefined;
  if (url) ctx.logger.info({ url }, 'leadhook is listening');
  // Each step runs even if the one before failed (a database that went away must not keep the
  // database handle open or the worker running); the first failure is reported.
  const stop = async () => {
    const failures: unknown[] = [];
    for (const step of [async () => app?.close(), stopWorker, () => ctx.close()]) {
      await step().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  };
  return { ctx, url, stop };
}

/**
 * With an API in the same process, the worker gets its own thread (and so its own core): on one
 * thread they share a core and the API takes a quarter of the activities. Not when the caller
 * injects context pieces (a manual clock, a resolver): only an in-process worker sees them. A
 * `leadhook worker` process has no API to share with.
 */
function workerOnItsOwnThread(config: Readonly<Config>, options: ServeOptions, overrides: ContextOverrides): boolean {
  return options.api && config.workerThread && Object.keys(overrides).length === 0;
}

/** Starts the delivery worker on this thread; returns how to drain and stop it. */
async function startWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const worker = ctx.createWorker();
  ctx.readinessChecks.push(async () => worker.health());
  await worker.start();
  ctx.logger.info({ worker: worker.id }, 'delivery worker started');
  return () => worker.stop();
}

/** Starts the delivery worker on its own thread (src/delivery/thread/); resolves once it runs. */
async function startWorkerThread(ctx: AppContext): Promise<() => Promise<void>> {
  const host = new DeliveryThreadHost({ config: ctx.config, logger: ctx.logger, wake: ctx.wake, metrics: ctx.metrics });
  ctx.readinessChecks.push(async () => host.health());
  await host.start();
  return () => host.stop();
}

/** Time for a clean stop: requests in flight get the delivery timeout, then results are written. */
export const shutdownGraceMs = (config: Readonly<Config>): number => config.connectTimeoutMs + config.deliveryTimeoutMs + 10_000;

export async function serveUntilSignal(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  // Off unless the standard OTEL_* variables ask for traces (docs/OBSERVABILITY.md).
  const tracing = await setupTracing(process.env);
  const server = await serve(config, options);
  const stop = async () => {
    await server.stop();
    await tracing?.shutdown();
  };
  onShutdownSignal(server.ctx.logger, stop, shutdownGraceMs(config));
}
