// One outbound POST with undici `request()` (which never follows redirects) on a keep-alive Agent:
// connect timeout 5 s, headers/body timeouts and an AbortSignal bound the whole exchange, and the
// response body is read up to 64 KiB and then cut. The address guard sits in the connector's
// lookup; a custom connector can be injected (tests record what would be dialled).
import { Agent, buildConnector, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { AddressPolicy, Resolver } from './address-guard.ts';
import { checkLiteralHost, createGuardedLookup } from './address-guard.ts';

export const RESPONSE_BODY_LIMIT = 64 * 1024;

export type Connector = buildConnector.connector;

/** The `connect.lookup` of a socket: the guarded one, which refuses blocked addresses. */
export type GuardedLookup = ReturnType<typeof createGuardedLookup>;

/** Builds the socket connector around the guarded lookup; tests inject one that records what it would dial. */
export type ConnectorFactory = (lookup: GuardedLookup, connectTimeoutMs: number) => Connector;

export const defaultConnector: ConnectorFactory = (lookup, timeout) =>
  buildConnector({ timeout, lookup } as buildConnector.BuildOptions);

export interface SenderOptions {
  policy: AddressPolicy;
  resolver: Resolver;
  connectTimeoutMs: number;
  /** Total time for one exchange (LEADHOOK_DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * Connections per origin; null (the worker's choice) for no limit: the worker's per-webhook cap
   * already bounds concurrency, and a per-origin limit would make webhooks on one host (several
   * Zapier or Slack hooks) share it, a hanging one taking its healthy siblings' sockets.
   */
  connectionsPerOrigin: number | null;
  /** Replaces the default connector (which dials with the guarded lookup). */
  connector?: ConnectorFactory | undefined;
}

export interface SendInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborts the request when the worker stops. */
  signal: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

export type SendResult =
  | { ok: true; response: RawResponse; durationMs: number; remoteAddress: string | null }
  | { ok: false; error: unknown; durationMs: number; remoteAddress: string | null; timedOut: boolean; interrupted: boolean };

export interface Sender {
  send(input: SendInput): Promise<SendResult>;
  close(): Promise<void>;
}

/** A parsed webhook URL: where to connect, and whether its host is a refused literal address. */
interface Destination {
  url: URL;
  /** host:port, the key of the remote address seen per origin. */
  origin: string;
  literalBlocked: boolean;
}

export function createSender(options: SenderOptions): Sender {
  const lookup = createGuardedLookup(options.resolver, options.policy);
  const base = (options.connector ?? defaultConnector)(lookup, options.connectTimeoutMs);
  // The remote address of the newest socket per origin, for the attempt record.
  const remoteByOrigin = new Map<string, string>();
  const connect: Connector = (opts, callback) =>
    base(opts, (error, socket) => {
      if (!error && socket?.remoteAddress) remoteByOrigin.set(`${opts.hostname}:${opts.port}`, socket.remoteAddress);
      if (error) callback(error, null);
      else callback(null, socket!);
    });
  const agent = new Agent({
    connect,
    connections: options.connectionsPerOrigin,
    // One request per connection at a time: a slow answer must not hold up the next request.
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });

  // A webhook's URL is parsed once, not once per request (a small cache, cleared when it grows).
  const destinations = new Map<string, Destination>();
  const destinationOf = (raw: string): Destination => {
    let destination = destinations.get(raw);
    if (!destination) {
      if (destinations.size > 10_000) destinations.clear();
      const url = new URL(raw);
      const origin = `${url.hostname.replace(/^\[|\]$/g, '')}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
      destination = { url, origin, literalBlocked: checkLiteralHost(options.policy, url.hostname) !== undefined };
      destinations.set(raw, destination);
    }
    return destination;
  };

  async function send(input: SendInput): Promise<SendResult> {
    const started = performance.now();
    const { url, origin, literalBlocked } = destinationOf(input.url);
    const elapsed = () => Math.round(performance.now() - started);
    const remote = () => remoteByOrigin.get(origin) ?? null;
    const blocked = literalBlocked ? checkLiteralHost(options.policy, url.hostname) : undefined;
    if (blocked) return { ok: false, error: blocked, durationMs: 0, remoteAddress: null, timedOut: false, interrupted: false };

    // One timer and one controller per request, both dropped when it ends. (AbortSignal.timeout()
    // + AbortSignal.any() kept a live timer and a signal registered on the worker's long-lived
    // signal for the whole timeout after every request: tens of thousands at 1,000+ requests/s.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`the delivery timeout (${options.timeoutMs} ms) ran out`, 'TimeoutError'));
    }, options.timeoutMs);
    const requests = inFlightOn(input.signal);
    if (input.signal.aborted) controller.abort(input.signal.reason);
    else requests.add(controller);
    try {
      const response = await request(url, { method: 'POST', headers: input.headers, body: input.body, signal: controller.signal, dispatcher: agent });
      const { body, truncated } = await readBounded(response.body, RESPONSE_BODY_LIMIT);
      return {
        ok: true,
        response: { status: response.statusCode, headers: flattenHeaders(response.headers), body, truncated },
        durationMs: elapsed(),
        remoteAddress: remote(),
      };
    } catch (error) {
      return {
        ok: false,
        error,
        durationMs: elapsed(),
        remoteAddress: remote(),
        timedOut,
        interrupted: input.signal.aborted,
      };
    } finally {
      clearTimeout(timer);
      requests.delete(controller);
    }
  }

  return { send, close: () => agent.close() };
}

/**
 * The requests in flight under a caller's signal (the worker's stop), aborted with it: one listener
 * per signal instead of one added and removed per request on its EventTarget.
 */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

function inFlightOn(signal: AbortSignal): Set<AbortController> {
  let requests = inFlight.get(signal);
  if (!requests) {
    const set = new Set<AbortController>();
    signal.addEventListener('abort', () => {
      for (const controller of set) controller.abort(signal.reason);
    }, { once: true });
    inFlight.set(signal, set);
    requests = set;
  }
  return requests;
}

/** Reads at most `limit` bytes, then destroys the stream (the rest is never downloaded). */
async function readBounded(stream: Dispatcher.ResponseData['body'], limit: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      size = limit;
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  if (truncated) stream.destroy();
  // Cutting may split a UTF-8 sequence; the decoder replaces the partial character.
  return { body: Buffer.concat(chunks, size).toString('utf8'), truncated };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
