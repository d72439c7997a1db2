// One SERVER span per HTTP request, parented on an incoming `traceparent`, active while the route
// runs (so activity and outbox spans nest under it). Registered on the root Fastify instance with
// `registerRequestTracing(app)`; a no-op when tracing is off.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracer } from './tracing.ts';

const spans = new WeakMap<FastifyRequest, Span>();

export function registerRequestTracing(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const span = tracer().startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route ?? '', 'url.path': request.url.split('?')[0] ?? '' },
      },
      parent,
    );
    // Tracing off: the no-op tracer's span records nothing and needs no ending.
    if (span.isRecording()) spans.set(request, span);
    done();
  });
  // After the body is parsed, so the handler and everything it awaits run inside the span.
  app.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (!span) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });
  app.addHook('onError', async (request, _reply, error) => {
    spans.get(request)?.recordException(error);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  });
}
