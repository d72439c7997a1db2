// The web UI (docs/SPEC.md §7): one HTML page at `/`, its scripts and stylesheet under /static/, the
// browser libraries under /vendor/, and the session endpoints under /auth/. Everything else the UI
// does goes through the public REST API (/api/v1) with the session cookie and CSRF header.
// Registered as an encapsulated plugin, so helmet's headers apply to these routes only.
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../context.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { PUBLIC_DIR, loadIndexPage } from './index-page.ts';
import { uiHelmetOptions } from './security-headers.ts';
import { vendorRoutes } from './vendor.routes.ts';

export function webPlugin(ctx: AppContext) {
  const page = loadIndexPage();
  return async (app: FastifyInstance) => {
    await app.register(helmet, uiHelmetOptions(page.importMapHash, ctx.config.secureCookies));
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/static/',
      // index.html is served at `/` only; the UI is small, so a short cache keeps updates visible.
      allowedPath: (pathName) => !pathName.endsWith('index.html'),
      index: false,
      maxAge: 60_000,
    });
    await app.register(vendorRoutes());
    await app.register(authRoutes(ctx));
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.html),
    );
  };
}
