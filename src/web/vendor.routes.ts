// Serves the few browser libraries the UI imports (Preact, its hooks, htm) as ES modules from
// node_modules, so nothing comes from a CDN and nothing needs a build step. Only the files named
// here are reachable.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
// The ES module build sits beside the CommonJS entry point that require.resolve finds.
const esmBesideMain = (specifier: string, file: string) => path.join(path.dirname(require.resolve(specifier)), file);

/** URL name under /vendor/ → file in node_modules. */
export const VENDOR_FILES: Record<string, string> = {
  'preact.mjs': esmBesideMain('preact', 'preact.mjs'),
  'preact-hooks.mjs': esmBesideMain('preact/hooks', 'hooks.mjs'),
  'htm.mjs': esmBesideMain('htm', 'htm.mjs'),
};

export function vendorRoutes() {
  // Read once at start-up: a few kilobytes, and a missing package fails at boot, not per request.
  const contents = new Map(Object.entries(VENDOR_FILES).map(([name, file]) => [name, fs.readFileSync(file)]));
  return async (app: FastifyInstance) => {
    app.get<{ Params: { name: string } }>('/vendor/:name', { schema: { hide: true } }, async (request, reply) => {
      const body = contents.get(request.params.name);
      if (!body) return reply.callNotFound();
      return reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(body);
    });
  };
}
