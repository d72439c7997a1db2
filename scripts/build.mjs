// Bundles the TypeScript sources into dist/ with esbuild, so that `leadhook` runs plain JavaScript:
// no TypeScript loader at run time (it cost ~50 MB of memory per thread and slower start-ups).
// `ensureBuilt()` rebuilds only when a source file is newer than the last build, so the command
// never runs stale code; several processes building at once each write whole files by rename.
// Run directly (`node scripts/build.mjs`, also `npm run build`) to build now.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');

/** The entry points: the command, and the delivery worker thread (src/delivery-thread.ts). */
const ENTRIES = { cli: 'src/cli/main.ts', 'worker-thread': 'src/delivery-thread.ts' };

function newestSourceTime(dir = SRC) {
  let newest = fs.statSync(path.join(ROOT, 'package.json')).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function isFresh() {
  try {
    return Number(fs.readFileSync(STAMP, 'utf8')) >= newestSourceTime();
  } catch {
    return false;
  }
}

export async function build() {
  const sourceTime = newestSourceTime();
  const { build: esbuild } = await import('esbuild');
  const staging = fs.mkdtempSync(path.join(ROOT, '.dist-'));
  try {
    await esbuild({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: staging,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    fs.mkdirSync(DIST, { recursive: true });
    for (const file of fs.readdirSync(staging)) fs.renameSync(path.join(staging, file), path.join(DIST, file));
    const stamp = path.join(staging, '.build-stamp');
    fs.writeFileSync(stamp, String(sourceTime));
    fs.renameSync(stamp, STAMP);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Builds when dist/ is missing or older than a source file; returns the command's entry file. */
export async function ensureBuilt() {
  if (!isFresh()) await build();
  return path.join(DIST, 'cli.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build();
  // The receiver kit (`leadhook/receiver`) is built here too, not by ensureBuilt(): the command never needs it.
  await (await import('./build-receiver.mjs')).buildReceiver();
}
