// The app is a value (docs/CONVENTIONS.md §12): createApp builds the Fastify instance without listening, so tests
// drive it with app.inject and server.ts owns the socket.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { hashSecret } from '../accounts/api-keys.ts';
import { REDACTED_PATHS } from '../shared/logger.ts';
import { apiKeyOf, createAuthenticator } from './auth.ts';
import { installBodyCoercion, installBodyParsers } from './body-parsers.ts';
import { openapiTransform } from './openapi.ts';
import { frameworkErrors, installErrorHandler } from './error-handler.ts';
import { healthRoutes } from './routes/health.ts';
import { fileRoutes } from './routes/files.routes.ts';
import { inboxRoutes } from './routes/inspector.routes.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { API_ROUTES } from './routes/index.ts';
import { createValidatorCompiler } from './validation.ts';
import { webPlugin } from '../web/web.plugin.ts';
import { registerRequestTracing } from '../telemetry/http-spans.ts';
import { apiSecurityHeaders } from '../web/security-headers.ts';

export const BODY_LIMIT = 1024 * 1024;
const HOUR_MS = 3_600_000;
/** The longest a request (headers and body) may take to arrive. */
export const REQUEST_TIMEOUT_MS = 30_000;

export async function createApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({}, { redact: REDACTED_PATHS }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    trustProxy: ctx.config.trustProxy,
    // A slow client holds a connection at most this long for its whole request (Node's default: 300 s).
    requestTimeout: REQUEST_TIMEOUT_MS,
    // `/api/v1//activities` routes as `/api/v1/activities`; router errors answer in our error shape.
    routerOptions: { ignoreDuplicateSlashes: true },
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler());
  registerRequestTracing(app);
  installErrorHandler(app);
  // JSON, form and text bodies, then coerced once to the route's schema (body-parsers.ts, coerce.ts).
  installBodyParsers(app, BODY_LIMIT);
  installBodyCoercion(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', apiSecurityHeaders(ctx.config.secureCookies));

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: BODY_LIMIT, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'leadhook API', version: '1', description: 'ClinchPad-compatible lead CRM and webhooks' },
      servers: [{ url: '/api/v1' }],
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic', description: 'username `api-key`, password: the key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ basic: [] }, { bearer: [] }],
    },
    transform: ({ schema, url }) => openapiTransform({ schema: schema as Parameters<typeof openapiTransform>[0]['schema'], url }),
  });

  await app.register(healthRoutes(ctx));
  // Uploaded attachments: public, unguessable URLs (outside the authenticated API).
  await app.register(fileRoutes(ctx));
  await app.register(metricsRoutes(ctx));
  // Inspector inboxes: public, unguessable URLs that record what is sent to them.
  await app.register(inboxRoutes(ctx));

  const authenticate = createAuthenticator(ctx.db, ctx.clock);
  await app.register(
    async (api) => {
      if (ctx.config.apiRateLimit > 0) {
        await api.register(rateLimit, {
          max: ctx.config.apiRateLimit,
          timeWindow: HOUR_MS,
          // The limit is per API key; web sessions are not counted.
          allowList: (request) => apiKeyOf(request) === undefined,
          keyGenerator: (request) => hashSecret(apiKeyOf(request) ?? request.ip),
          errorResponseBuilder: (_request, context) =>
            Object.assign(new Error(`Rate limit of ${context.max} calls per hour exceeded; retry in ${context.after}`), {
              statusCode: 429,
            }),
        });
      }
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      api.register(async (secured) => {
        // onRequest: who is calling is settled before the body is read or validated.
        secured.addHook('onRequest', authenticate);
        for (const routes of API_ROUTES) await routes(secured.withTypeProvider<TypeBoxTypeProvider>(), ctx);
      });
    },
    { prefix: '/api/v1' },
  );

  // The web UI: `/`, its assets and the /auth session routes (src/web).
  await app.register(webPlugin(ctx));
  return app;
}
