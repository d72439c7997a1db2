// Child processes and clean-up. Every child the bench starts is registered here and killed when the
// bench exits, whether it finishes, throws, or is interrupted (SIGINT/SIGTERM); clean-up steps
// (dropping a PostgreSQL database, removing a temporary folder) run on the same paths.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];

/** Forks a TypeScript module (through tsx) with an IPC channel. */
export function forkTs(modulePath: string, env: Record<string, string> = {}): ChildProcess {
  const child = fork(modulePath, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return track(child);
}

/**
 * Runs `node bin/leadhook.js <args>` as a child; stdout is piped so callers may read it. With
 * BENCH_CPU_PROF_DIR set, every leadhook process writes a V8 CPU profile there when it exits.
 */
export function spawnLeadhook(args: string[], env: Record<string, string>): ChildProcess {
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'bin/leadhook.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return track(child);
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Registers an async clean-up step, run (last registered first) by `cleanUp()`. */
export function onCleanUp(step: () => Promise<void>): void {
  cleanups.push(step);
}

export async function cleanUp(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  while (cleanups.length > 0) {
    const step = cleanups.pop();
    await step?.().catch((error: unknown) => console.error('clean-up step failed:', error));
  }
}

/** Kills every child on exit and on SIGINT/SIGTERM (after running the async clean-up steps). */
export function installExitHandlers(): void {
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping children and cleaning up…`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
