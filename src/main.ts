// Composition root: configuration → context → HTTP app and/or delivery worker.
import type { Config } from './config.ts';
import { createContext, type AppContext, type ContextOverrides } from './context.ts';
import { createApp } from './http/app.ts';
import { listen, onShutdownSignal } from './http/server.ts';

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
  const app = options.api ? await createApp(ctx) : undefined;
  const stopWorker = options.worker ? await startWorker(ctx) : async () => {};
  const url = app ? await listen(app, config.host, config.port) : undefined;
  if (url) ctx.logger.info({ url }, 'leadhook is listening');
  const stop = async () => {
    await app?.close();
    await stopWorker();
    await ctx.close();
  };
  return { ctx, url, stop };
}

/** Starts the delivery worker; returns how to drain and stop it. */
async function startWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const worker = ctx.createWorker();
  ctx.readinessChecks.push(async () => worker.health());
  worker.start();
  ctx.logger.info({ worker: worker.id }, 'delivery worker started');
  return () => worker.stop();
}

export async function serveUntilSignal(config: Readonly<Config>, options: ServeOptions): Promise<void> {
  const server = await serve(config, options);
  onShutdownSignal(server.ctx.logger, server.stop);
}
