// One leadhook per test file and dialect, driven in-process with app.inject and a manual clock.
// `useHarness(dialect)` registers before/after hooks in the surrounding describe block.
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../src/accounts/accounts.service.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext, type ContextOverrides } from '../../src/context.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { createApp } from '../../src/http/app.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface Harness {
  dialect: 'sqlite' | 'postgres';
  ctx: AppContext;
  app: FastifyInstance;
  clock: ManualClock;
  /** A new account with an admin; each call makes another, isolated tenant. */
  account(name?: string): Promise<TestAccount>;
  /** This harness's delivery worker (created on first use, not started; stopped after the tests). */
  worker(): DeliveryWorker;
}

export interface HarnessOptions {
  /** Context pieces to inject (resolver, connector, mailer, random); the clock is the harness's. */
  overrides?: () => Omit<ContextOverrides, 'clock'>;
  /** Start time of the manual clock (ms). */
  clockStart?: number;
}

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface TestAccount {
  accountId: string;
  userId: string;
  ownerName: string;
  apiKey: string;
  /** Calls the API as this account's admin (Bearer key). */
  api<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  /** The first pipeline (Default) with its stages. */
  pipeline(): Promise<{ _id: string; name: string; stages: Array<{ _id: string; name: string }> }>;
}

let accounts = 0;

export function useHarness(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}, options: HarnessOptions = {}): () => Harness {
  let harness: Harness | undefined;
  let database: TestDatabase | undefined;
  let worker: DeliveryWorker | undefined;

  before(async () => {
    database = await createTestDatabase(dialect);
    const config = loadConfig({
      LEADHOOK_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl ?? '',
      LOG_LEVEL: 'silent',
      LEADHOOK_API_RATE_LIMIT: '0',
      ...env,
    });
    const clock = new ManualClock(options.clockStart ?? Date.UTC(2026, 0, 5, 9, 0, 0));
    const ctx = await createContext(config, { ...options.overrides?.(), clock });
    const app = await createApp(ctx);
    await app.ready();
    harness = {
      dialect,
      ctx,
      app,
      clock,
      account: (name) => makeAccount(app, ctx, clock, name),
      worker: () => (worker ??= ctx.createWorker()),
    };
  });

  after(async () => {
    await worker?.stop(0);
    await harness?.app.close();
    await harness?.ctx.close();
    await database?.drop();
  });

  return () => {
    if (!harness) throw new Error('harness used outside a test');
    return harness;
  };
}

export async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await app.inject({
    method: method as 'GET',
    url: url.startsWith('/api/') || url.startsWith('/healthz') || url.startsWith('/readyz') || url.startsWith('/metrics') ? url : `/api/v1${url}`,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = response.body;
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, body: parsed, headers: response.headers };
}

async function makeAccount(app: FastifyInstance, ctx: AppContext, clock: ManualClock, name?: string): Promise<TestAccount> {
  accounts += 1;
  const created = await createAccount(
    ctx.db,
    { name: name ?? `Account ${accounts}`, owner: { name: `Owner ${accounts}`, email: `owner${accounts}-${process.pid}@example.test`, password: 'correct horse battery' } },
    clock.now(),
  );
  const auth = { authorization: `Bearer ${created.apiKey}` };
  const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(app, method, url, body, { ...auth, ...headers });
  return {
    accountId: created.accountId,
    userId: created.user.id,
    ownerName: created.user.name,
    apiKey: created.apiKey,
    api,
    pipeline: async () => (await api('GET', '/pipelines')).body[0],
  };
}
