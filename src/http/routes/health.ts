// Liveness and readiness. /readyz checks the database answers; other parts (the delivery worker)
// add their own checks to `ctx.readinessChecks`.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

export function healthRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const checks = [
        async () => {
          try {
            await sql`select 1`.execute(ctx.db);
            return { name: 'database', ok: true };
          } catch (error) {
            return { name: 'database', ok: false, detail: (error as Error).message };
          }
        },
        ...ctx.readinessChecks,
      ];
      const results = await Promise.all(checks.map((check) => check()));
      const ok = results.every((r) => r.ok);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
    });
  };
}
