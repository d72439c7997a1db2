// One leadhook deployment for one measurement: a fresh database, an account, `leadhook serve`
// (with or without its worker) and an API client; webhooks point at the receiver. Everything is
// torn down by `close()`, and by the bench's clean-up if the run is interrupted.
import type { BenchDatabase, Dialect } from '../lib/databases.ts';
import { createBenchDatabase } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { ApiClient } from './api-client.ts';
import { createAccount, startServe, type LeadhookServer } from './deployment.ts';

export interface Session {
  database: BenchDatabase;
  accountId: string;
  server: LeadhookServer;
  api: ApiClient;
  pipelineId: string;
  webhookIds: string[];
  close(): Promise<void>;
}

/** `paths` are receiver paths (`/ok/0`, `/hang/1`, …), one webhook each, created with `options.webhook`'s extra fields. */
export async function openSession(
  dialect: Dialect,
  receiver: Receiver,
  paths: string[],
  options: { worker: boolean; webhook?: Record<string, unknown> },
): Promise<Session> {
  const database = await createBenchDatabase(dialect);
  let server: LeadhookServer | undefined;
  let api: ApiClient | undefined;
  try {
    const { accountId, apiKey } = await createAccount(database);
    server = await startServe(database, { worker: options.worker });
    api = new ApiClient(server.origin, apiKey);
    const pipelineId = await api.firstPipelineId();
    const webhookIds: string[] = [];
    for (const p of paths) webhookIds.push(await api.createWebhook(receiver.urlFor(p), options.webhook));
    const opened = { server, api };
    return {
      database, accountId, server, api, pipelineId, webhookIds,
      close: async () => {
        await opened.api.close();
        await opened.server.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await api?.close();
    await server?.stop();
    await database.drop();
    throw error;
  }
}

export const okPaths = (n: number): string[] => Array.from({ length: n }, (_, i) => `/ok/${i}`);
