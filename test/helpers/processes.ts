// Running `node bin/leadhook.js …` as child processes for crash tests: start, wait for a log line,
// SIGKILL, and make sure none outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/leadhook.js');

export interface Child {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const children = new Set<Child>();

export function startLeadhook(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Child = {
    process: child,
    output: () => text,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${text.slice(-2000)}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before ${pattern}; output:\n${text.slice(-2000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      children.delete(handle);
    },
  };
  children.add(handle);
  return handle;
}

export async function killAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.kill('SIGKILL')));
}

/** `leadhook account create --json` against the same database. */
export async function createAccountByCli(env: Record<string, string>): Promise<{ account_id: string; user_id: string; api_key: string }> {
  const child = startLeadhook(['account', 'create', '--name', 'Crash', '--owner-name', 'Owner', '--owner-email', `crash-${Date.now()}@example.test`, '--json'], env);
  const match = await child.waitFor(/\{"account_id".*\}/);
  await child.kill('SIGTERM');
  return JSON.parse(match[0]) as { account_id: string; user_id: string; api_key: string };
}

/** The line `leadhook serve` logs once it listens; group 1 is its base URL. */
export const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;

/** Calls a running leadhook's API with a Bearer key. */
export async function api(base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

export interface ProcessFixture {
  database: TestDatabase;
  receiver: Receiver;
  /** Environment for `startLeadhook`: this database, loopback targets, no rate limit, port 0. */
  env: Record<string, string>;
}

/**
 * A fresh database, a receiver and the environment for leadhook child processes, for the tests of
 * the surrounding describe block; every child is killed afterwards.
 */
export function useProcessFixture(dialect: 'sqlite' | 'postgres', extraEnv: Record<string, string> = {}): ProcessFixture {
  const fixture = {} as ProcessFixture;
  before(async () => {
    fixture.database = await createTestDatabase(dialect);
    fixture.receiver = await startReceiver();
    fixture.env = {
      LEADHOOK_DATA_DIR: fixture.database.dataDir,
      DATABASE_URL: fixture.database.databaseUrl ?? '',
      LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      LEADHOOK_API_RATE_LIMIT: '0',
      LOG_LEVEL: 'info',
      PORT: '0',
      ...extraEnv,
    };
  });
  after(async () => {
    await killAll();
    await fixture.receiver.close();
    await fixture.database.drop();
  });
  return fixture;
}
