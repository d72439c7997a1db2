// OpenTelemetry tracing, off unless the standard OTEL_* variables ask for it (docs/OBSERVABILITY.md):
// OTEL_TRACES_EXPORTER=otlp|console, or an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it
// off. When off, no provider is registered and the API's spans are no-ops that cost nothing.
// The SDK is imported only when tracing is on: it costs ~19 MB per thread that most installations
// would carry for nothing (the API package alone is tiny).
import { context, propagation, trace } from '@opentelemetry/api';
import type { NodeTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { VERSION } from '../version.ts';

export type Env = Record<string, string | undefined>;

let enabled = false;
/** Whether setupTracing registered a provider in this thread (the worker thread calls it too). */
export const tracingEnabled = (): boolean => enabled;

export interface Tracing {
  provider: NodeTracerProvider;
  /** Flushes spans still buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

export type TracesExporter = 'otlp' | 'console';

/** Which exporter the environment asks for, or undefined when tracing is off. */
export function tracesExporterOf(env: Env): TracesExporter | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = env.OTEL_TRACES_EXPORTER?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) ?? [];
  if (named.includes('none')) return undefined;
  if (named.includes('otlp')) return 'otlp';
  if (named.includes('console')) return 'console';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return 'otlp';
  return undefined;
}

export interface TracingOptions {
  /** Replaces the exporter the environment names (tests pass an InMemorySpanExporter); spans then go out one by one. */
  exporter?: SpanExporter;
}

/**
 * Registers a global tracer provider when the environment (or `options.exporter`) asks for one.
 * Call once, first thing in the composition root; returns undefined when tracing stays off.
 */
export async function setupTracing(env: Env, options: TracingOptions = {}): Promise<Tracing | undefined> {
  const kind = options.exporter ? undefined : tracesExporterOf(env);
  if (!options.exporter && !kind) return undefined;
  const [{ AsyncLocalStorageContextManager }, { OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, sdk, { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION }] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor } = sdk;
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(kind === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter());
  const resource = defaultResource().merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || 'leadhook', [ATTR_SERVICE_VERSION]: VERSION }),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The default propagator: W3C trace context and baggage.
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  enabled = true;
  return {
    provider,
    shutdown: async () => {
      await provider.shutdown();
      enabled = false;
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export const tracer = () => trace.getTracer('leadhook', VERSION);
