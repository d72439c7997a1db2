// Running `node bin/leadhook.js …` as child processes for crash tests: start, wait for a log line,
// SIGKILL, and make sure none outlives the test.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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
