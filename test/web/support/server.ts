// The real leadhook (API + UI + delivery worker) in-process on 127.0.0.1 with an ephemeral port,
// on a fresh database of the given dialect, with an account whose owner can log in.
import { after, before } from 'node:test';
import { createAccount } from '../../../src/accounts/accounts.service.ts';
import { loadConfig } from '../../../src/config.ts';
import { serve, type RunningServer } from '../../../src/main.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { startReceiver, type Receiver } from '../../helpers/receiver.ts';

export interface UiServer {
  url: string;
  server: RunningServer;
  clock: ManualClock;
  owner: { email: string; password: string; name: string; apiKey: string; userId: string; accountId: string };
  /** Calls the API with the owner's key, for setting up data and checking results. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

let seq = 0;

/** Loopback on an ephemeral port, quiet, no API rate limit, deliveries to loopback without jitter. */
function uiConfig(database: TestDatabase, env: Record<string, string> = {}) {
  return loadConfig({
    LEADHOOK_DATA_DIR: database.dataDir,
    DATABASE_URL: database.databaseUrl ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    LEADHOOK_API_RATE_LIMIT: '0',
    LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
    LEADHOOK_RETRY_JITTER: '0',
    ...env,
  });
}

/** leadhook on a fresh database with no account at all (the first-run case). */
export async function startBareUiServer(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; stop(): Promise<void> }> {
  const database: TestDatabase = await createTestDatabase(dialect);
  const config = uiConfig(database);
  const server = await serve(config, { api: true, worker: false }, { clock: new ManualClock(Date.now()) });
  return {
    url: server.url!,
    stop: async () => {
      await server.stop();
      await database.drop();
    },
  };
}

export async function startUiServer(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<UiServer> {
  const database: TestDatabase = await createTestDatabase(dialect);
  const config = uiConfig(database, env);
  // The manual clock starts at the real time so that the browser's "since" inputs and the
  // server's timestamps agree; tests move it forward instead of waiting.
  const clock = new ManualClock(Date.now());
  const server = await serve(config, { api: true, worker: true }, { clock });
  seq += 1;
  const owner = { name: 'Ada Owner', email: `ada${seq}-${process.pid}@example.test`, password: 'correct horse battery' };
  const created = await createAccount(server.ctx.db, { name: 'Acme', owner }, clock.now());
  const url = server.url!;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${created.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    server,
    clock,
    owner: { ...owner, apiKey: created.apiKey, userId: created.user.id, accountId: created.accountId },
    api,
    stop: async () => {
      await server.stop();
      await database.drop();
    },
  };
}

/** A UI server and a webhook receiver for one describe block: started before its tests, stopped after. */
export function useUiWithReceiver(dialect: 'sqlite' | 'postgres'): () => { ui: UiServer; receiver: Receiver } {
  let ui: UiServer | undefined;
  let receiver: Receiver | undefined;
  before(async () => {
    ui = await startUiServer(dialect);
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
    await ui?.stop();
  });
  return () => {
    if (!ui || !receiver) throw new Error('useUiWithReceiver: started in before()');
    return { ui, receiver };
  };
}
