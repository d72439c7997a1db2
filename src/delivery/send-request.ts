// One outbound POST dispatched on a keep-alive undici Agent with a small handler (no redirects are
// followed): connect timeout 5 s, headers/body timeouts and a total timeout bound the whole exchange,
// and the response body is read up to 64 KiB and then cut. The address guard sits in the connector's
// lookup; a custom connector can be injected (tests record what would be dialled).
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, buildConnector, errors } from 'undici';
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
  /** What undici's `request()` would dispatch: the URL's origin, and its path with the query (no fragment). */
  dispatchOrigin: string;
  path: string;
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
      destination = {
        url,
        origin,
        dispatchOrigin: url.origin,
        path: url.search ? `${url.pathname}${url.search}` : url.pathname,
        literalBlocked: checkLiteralHost(options.policy, url.hostname) !== undefined,
      };
      destinations.set(raw, destination);
    }
    return destination;
  };

  function send(input: SendInput): Promise<SendResult> {
    const started = performance.now();
    let destination: Destination;
    try {
      destination = destinationOf(input.url);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (destination.literalBlocked) {
      const blocked = checkLiteralHost(options.policy, destination.url.hostname);
      if (blocked) return Promise.resolve({ ok: false, error: blocked, durationMs: 0, remoteAddress: null, timedOut: false, interrupted: false });
    }
    // A worker already stopping: cut off at once, without taking (and then destroying) a socket.
    if (input.signal.aborted) {
      return Promise.resolve({
        ok: false,
        error: input.signal.reason,
        durationMs: Math.round(performance.now() - started),
        remoteAddress: remoteByOrigin.get(destination.origin) ?? null,
        timedOut: false,
        interrupted: true,
      });
    }
    return new Promise((resolve) => {
      const exchange = new Exchange(resolve, started, destination.origin, input.signal, inFlightOn(input.signal), remoteByOrigin, options.timeoutMs);
      agent.dispatch({ origin: destination.dispatchOrigin, path: destination.path, method: 'POST', headers: input.headers, body: input.body }, exchange);
    });
  }

  return { send, close: () => agent.close() };
}

/** A request that the worker's stop can cut off. */
interface Abortable {
  abort(reason: unknown): void;
}

/**
 * The requests in flight under a caller's signal (the worker's stop), aborted with it: one listener
 * per signal instead of one added and removed per request on its EventTarget.
 */
const inFlight = new WeakMap<AbortSignal, Set<Abortable>>();

function inFlightOn(signal: AbortSignal): Set<Abortable> {
  let requests = inFlight.get(signal);
  if (!requests) {
    const set = new Set<Abortable>();
    signal.addEventListener('abort', () => {
      for (const request of set) request.abort(signal.reason);
    }, { once: true });
    inFlight.set(signal, set);
    requests = set;
  }
  return requests;
}

/** The total timeout of one exchange ran out (a setTimeout callback, so no closure per request). */
function timeUp(exchange: Exchange): void {
  exchange.timedOut = true;
  exchange.abort(new DOMException(`the delivery timeout (${exchange.timeoutMs} ms) ran out`, 'TimeoutError'));
}

/**
 * One POST as an undici dispatch handler: it keeps the status and headers, collects the body up to
 * RESPONSE_BODY_LIMIT (then settles and aborts the rest, so it is never downloaded) and settles once
 * with a SendResult. This replaces `request()`, whose Readable body, async iterator, AbortSignal
 * listener and per-request AbortController were most of a delivery's CPU; results are the same:
 * headers come from undici's own parser (as `request()` gives them), errors are undici's or the
 * abort reason (the timeout's TimeoutError, the worker's stop reason), as before.
 */
class Exchange implements Dispatcher.DispatchHandler, Abortable {
  timedOut = false;
  private controller: Dispatcher.DispatchController | null = null;
  /** An abort asked for before undici started the request (it is applied in onRequestStart). */
  private pendingAbort = false;
  private pendingReason: unknown = undefined;
  private settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders | null = null;
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (result: SendResult) => void,
    private readonly started: number,
    private readonly origin: string,
    private readonly signal: AbortSignal,
    private readonly requests: Set<Abortable>,
    private readonly remoteByOrigin: Map<string, string>,
    readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(timeUp, timeoutMs, this);
    requests.add(this);
  }

  abort(reason: unknown): void {
    if (this.settled) return;
    if (this.controller) this.controller.abort(reason as Error);
    else if (!this.pendingAbort) {
      // The first reason wins, as with an AbortController.
      this.pendingAbort = true;
      this.pendingReason = reason;
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingReason as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers are not the response (request() skips them too).
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.size + chunk.length > RESPONSE_BODY_LIMIT) {
      this.chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - this.size));
      this.size = RESPONSE_BODY_LIMIT;
      this.succeed(true);
      // Aborted a microtask later, once undici's parser has returned (as destroying request()'s
      // stream did), not from inside its data callback, where the parser may be mid-message.
      queueMicrotask(() => controller.abort(new errors.RequestAbortedError('response body over the limit')));
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    if (!this.settled) this.succeed(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.finish();
    this.resolve({ ok: false, error, ...this.timing(), timedOut: this.timedOut, interrupted: this.signal.aborted });
  }

  private succeed(truncated: boolean): void {
    this.finish();
    const chunks = this.chunks;
    // Cutting may split a UTF-8 sequence; the decoder replaces the partial character.
    const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : chunks.length === 0 ? '' : Buffer.concat(chunks, this.size).toString('utf8');
    this.resolve({ ok: true, response: { status: this.status, headers: flattenHeaders(this.headers ?? {}), body, truncated }, ...this.timing() });
  }

  /** How long the exchange took, and the address its origin's newest socket went to. */
  private timing(): { durationMs: number; remoteAddress: string | null } {
    return { durationMs: Math.round(performance.now() - this.started), remoteAddress: this.remoteByOrigin.get(this.origin) ?? null };
  }

  private finish(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.requests.delete(this);
  }
}

/**
 * undici's parsed headers (a string, or an array for a header sent more than once) as one string each.
 * A plain loop over the keys: Object.entries() built an array per header on every response.
 */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}
