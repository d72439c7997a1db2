// The two ways the full-disk fault test fills SQLite's disk. As root: `leadhook serve` (API and
// delivery thread) with its data folder on a small tmpfs this test mounts, filled with a file
// until ENOSPC, freed by deleting it. Otherwise (mounting needs root): leadhook in this process
// with SQLite's page limit set to the file's size on its connection, an injected SQLITE_FULL.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createAccount } from '../../src/accounts/accounts.service.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { createApp } from '../../src/http/app.ts';
import { createAccountByCli, LISTENING, startLeadhook } from '../helpers/processes.ts';
import { onAbort } from './abort-cleanup.ts';

const run = promisify(execFile);

export interface FullDiskTarget {
  how: string;
  base: string;
  key: string;
  dataDir: string;
  fill(): Promise<void>;
  free(): Promise<void>;
  alive(): boolean;
  /** Server log so far. */
  log(): string;
  /** A clean stop (SIGTERM for a process); resolves with the exit code (0 in process). */
  stop(): Promise<number | null>;
  /** Unmounts and deletes what was made. */
  cleanup(): Promise<void>;
}

const env = (dataDir: string) => ({
  LEADHOOK_DATA_DIR: dataDir,
  DATABASE_URL: '',
  LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
  LEADHOOK_API_RATE_LIMIT: '0',
  LEADHOOK_DELIVERY_TIMEOUT_MS: '1000',
  LEADHOOK_CONNECT_TIMEOUT_MS: '1000',
  LOG_LEVEL: 'info',
  PORT: '0',
});

export async function fullDiskTarget(): Promise<FullDiskTarget> {
  return process.getuid?.() === 0 ? tmpfsServe() : pageLimitInProcess();
}

async function tmpfsServe(): Promise<FullDiskTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-faults-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dataDir]);
  const started: { pid?: number | undefined } = {};
  const forget = onAbort(() => {
    if (started.pid !== undefined) process.kill(started.pid, 'SIGKILL');
    execFileSync('umount', ['-l', dataDir], { stdio: 'ignore' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const filler = path.join(dataDir, 'filler');
  const vars = env(dataDir);
  const { api_key: key } = await createAccountByCli(vars);
  const child = startLeadhook(['serve'], vars);
  started.pid = child.process.pid;
  const base = (await child.waitFor(LISTENING, 90_000))[1]!;
  const alive = () => child.process.exitCode === null && child.process.signalCode === null;
  return {
    how: 'tmpfs (6 MiB) filled with a file until ENOSPC',
    base,
    key,
    dataDir,
    async fill() {
      const fd = fs.openSync(filler, 'w');
      try {
        for (const size of [1 << 20, 64 << 10, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 1);
          for (;;) {
            try {
              fs.writeSync(fd, chunk);
            } catch {
              break;
            }
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free: async () => fs.rmSync(filler, { force: true }),
    alive,
    log: () => child.output(),
    async stop() {
      await child.kill('SIGTERM');
      return child.process.exitCode;
    },
    async cleanup() {
      if (alive()) await child.kill('SIGKILL');
      await run('umount', [dataDir]).catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
      forget();
    },
  };
}

async function pageLimitInProcess(): Promise<FullDiskTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-faults-full-'));
  const lines: string[] = [];
  const config = loadConfig({ ...env(dataDir), PORT: '0' });
  const { default: pino } = await import('pino');
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const ctx = await createContext(config, { logger });
  const app = await createApp(ctx);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const worker = ctx.createWorker();
  worker.start();
  const created = await createAccount(ctx.db, { name: 'Full', owner: { name: 'Owner', email: `full-${process.pid}@example.test` } }, new Date());
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await app.close();
    await worker.stop();
    await ctx.close();
    return 0;
  };
  return {
    how: 'in process, SQLite page limit at the file size (not root: no tmpfs)',
    base,
    key: created.apiKey,
    dataDir,
    async fill() {
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(ctx.db);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(ctx.db);
    },
    free: async () => void (await sql.raw('pragma max_page_count = 1073741823').execute(ctx.db)),
    alive: () => !stopped,
    log: () => lines.join(''),
    stop,
    async cleanup() {
      if (!stopped) await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
