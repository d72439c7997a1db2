// The single HTML page of the UI. Its import map (which tells the browser where `preact`,
// `preact/hooks` and `htm` live) has to be inline — browsers do not load external import maps —
// so the Content-Security-Policy allows exactly that block by its sha256 hash and no other inline
// script.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** src/web/public, found from the package root so that it resolves from dist/ (bundled) too. */
export const PUBLIC_DIR = path.join(packageRoot(import.meta.dirname), 'src', 'web', 'public');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export interface IndexPage {
  html: string;
  /** `'sha256-…'` source of the inline import map, for the CSP script-src directive. */
  importMapHash: string;
}

export function loadIndexPage(file = path.join(PUBLIC_DIR, 'index.html')): IndexPage {
  const html = fs.readFileSync(file, 'utf8');
  const match = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error(`${file} has no import map`);
  const digest = createHash('sha256').update(match[1], 'utf8').digest('base64');
  return { html, importMapHash: `'sha256-${digest}'` };
}
