// Prometheus metrics at /metrics (docs/SPEC.md §7), from the context's own registry.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';

export function metricsRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
    });
  };
}
