// Builds the receiver kit (`leadhook/receiver`, docs/RECEIVING.md) for plain Node consumers:
// esbuild bundles src/receiver/index.ts into dist/receiver/index.js (ESM, dependencies such as
// standardwebhooks stay imports), and tsc emits its .d.ts files into dist/receiver/types/ from the
// same sources, so the shipped types are the ones `npm run check` checks. Run by `npm run build`
// and `prepare`; the build is written aside and swapped in whole.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'receiver');

/** Rewrites `from './x.ts'` to `from './x.js'` so consumers without allowImportingTsExtensions resolve them. */
function rewriteExtensions(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) rewriteExtensions(file);
    else if (entry.name.endsWith('.d.ts')) {
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/(from '\.{1,2}\/[^']+)\.ts'/g, "$1.js'"));
    }
  }
}

export async function buildReceiver() {
  const { build } = await import('esbuild');
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const staging = fs.mkdtempSync(path.join(ROOT, 'dist', '.receiver-'));
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: { index: 'src/receiver/index.ts' },
      outdir: staging,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'warning',
    });
    // The bundled sources, for the test that proves the kit pulls in nothing of the server.
    fs.writeFileSync(path.join(staging, 'inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 2));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.receiver.json'), '--outDir', path.join(staging, 'types')], { stdio: 'inherit' });
    rewriteExtensions(path.join(staging, 'types'));
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.renameSync(staging, OUT);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildReceiver();
}
