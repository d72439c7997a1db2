// leadhook as its users run it: `node bin/leadhook.js serve|worker` child processes on one
// database, configured through the environment only.
import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import type { BenchDatabase } from '../lib/databases.ts';
import { now, sleep } from '../lib/deadline.ts';
import { freePort, spawnLeadhook, stopChild } from '../lib/processes.ts';
import { BENCH_DELIVERY_TIMEOUT_MS } from '../sizes.ts';

export interface LeadhookProcess {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

export interface LeadhookServer extends LeadhookProcess {
  /** http://127.0.0.1:<port> */
  origin: string;
}

export function leadhookEnv(database: BenchDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LEADHOOK_DATA_DIR: database.dataDir,
    DATABASE_URL: database.databaseUrl,
    // The receiver is on 127.0.0.1, which the address guard refuses unless told otherwise.
    LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
    LEADHOOK_API_RATE_LIMIT: '0',
    LEADHOOK_DELIVERY_TIMEOUT_MS: String(BENCH_DELIVERY_TIMEOUT_MS),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function wrap(child: ChildProcess): LeadhookProcess {
  if (child.pid === undefined) throw new Error('leadhook did not start');
  // Drain stdout so a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  return { child, pid: child.pid, stop: () => stopChild(child, 10_000) };
}

/** `leadhook serve` (with or without its worker); resolves once /healthz answers 200. */
export async function startServe(database: BenchDatabase, options: { worker: boolean }, extraEnv: Record<string, string> = {}): Promise<LeadhookServer> {
  const port = await freePort();
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), ...(options.worker ? [] : ['--no-worker'])];
  const proc = wrap(spawnLeadhook(args, leadhookEnv(database, extraEnv)));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = now() + 30_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`leadhook serve exited with ${proc.child.exitCode}`);
    try {
      const response = await request(`${origin}/healthz`);
      await response.body.dump();
      if (response.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (now() > deadline) throw new Error('leadhook serve did not answer /healthz within 30 s');
    await sleep(100);
  }
  return { ...proc, origin };
}

/** `leadhook worker`: delivery only. */
export function startWorker(database: BenchDatabase, extraEnv: Record<string, string> = {}): LeadhookProcess {
  return wrap(spawnLeadhook(['worker'], leadhookEnv(database, extraEnv)));
}

/** `leadhook account create … --json`, as an operator would; returns the account and its admin API key. */
export async function createAccount(database: BenchDatabase): Promise<{ accountId: string; apiKey: string }> {
  const child = spawnLeadhook(
    ['account', 'create', '--name', 'Bench', '--owner-name', 'Bench Owner', '--owner-email', 'bench@example.test', '--json'],
    leadhookEnv(database),
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`leadhook account create exited with ${String(code)}`);
  const created = JSON.parse(out) as { account_id: string; api_key: string };
  return { accountId: created.account_id, apiKey: created.api_key };
}
