// Makes sure what `npm test` needs is there before the suite starts, so the README's test command
// works on a fresh machine: Debian's Chromium for the browser tests (installed with apt-get when
// missing and we may), and the local PostgreSQL (started when installed but not running). Anything
// it cannot fix is reported in one clear message, before a single test runs.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const dialects = (process.env.LEADHOOK_TEST_DIALECTS ?? 'sqlite,postgres').split(',');
const chromiumPath = process.env.LEADHOOK_CHROMIUM ?? '/usr/bin/chromium';
const pgUrl = new URL(process.env.LEADHOOK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const isRoot = process.getuid?.() === 0;
const problems = [];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, env = {}) {
  console.log(`test prerequisites: ${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
}

function ensureChromium() {
  if (fs.existsSync(chromiumPath)) return;
  if (process.env.LEADHOOK_CHROMIUM) {
    problems.push(`LEADHOOK_CHROMIUM points at ${chromiumPath}, which does not exist`);
    return;
  }
  if (!isRoot || !has('apt-get')) {
    problems.push('the browser tests need Chromium: run `sudo apt-get install chromium` (Debian), or set LEADHOOK_CHROMIUM to a Chromium binary');
    return;
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
  if (!fs.existsSync(chromiumPath)) problems.push(`apt-get installed chromium, but ${chromiumPath} is still missing`);
}

function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function ensurePostgres() {
  if (!dialects.includes('postgres')) return;
  const host = pgUrl.hostname.replace(/^\[|\]$/g, '');
  const port = Number(pgUrl.port || 5432);
  if (await answers(host, port)) return;
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const clusters = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql') : [];
  if (!local || !has('pg_ctlcluster') || clusters.length === 0) {
    problems.push(`PostgreSQL does not answer on ${host}:${port}: start it, point LEADHOOK_TEST_PG_URL elsewhere, or run LEADHOOK_TEST_DIALECTS=sqlite npm test`);
    return;
  }
  for (const version of clusters) run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
  for (let i = 0; i < 30 && !(await answers(host, port)); i++) await new Promise((r) => setTimeout(r, 1000));
  if (!(await answers(host, port))) problems.push(`started PostgreSQL, but ${host}:${port} still does not answer`);
}

try {
  ensureChromium();
  await ensurePostgres();
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error));
}
if (problems.length > 0) {
  console.error(`npm test cannot run yet:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
