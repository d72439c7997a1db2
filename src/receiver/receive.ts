// What every ready-made handler does with a request once it has the raw body: verify, drop
// repeats, call your function, and pick the status leadhook will see (a non-2xx makes it retry).
import { createDeduper, type Deduper } from './dedupe.ts';
import type { LeadhookEvent } from './events.ts';
import { verify, type HeaderBag, type VerifiedEvent, type VerifyError, type VerifyOptions } from './verify.ts';

export interface ReceiverOptions extends VerifyOptions {
  /** The webhook's signing secret (`whsec_…`), or several during a rotation. */
  secret: string | readonly string[];
  /** Drops repeats of a `webhook-id` (default: an in-memory deduper); `false` to keep every one. */
  dedupe?: Deduper | false;
  /** Larger bodies are refused with 413 before verifying (default 1 MiB). */
  maxBodyBytes?: number;
  /** Called with every refused request (bad signature, stale timestamp…), e.g. to log it. */
  onRefused?: (error: VerifyError) => void;
}

export type EventHandler = (event: LeadhookEvent, meta: Omit<VerifiedEvent, 'event'>) => unknown;

export interface ReceiverAnswer {
  status: number;
  body: string;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const REFUSED_STATUS = {
  missing_headers: 400,
  malformed: 400,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  invalid_signature: 401,
  handshake_key_mismatch: 401,
} as const;

const json = (status: number, value: unknown): ReceiverAnswer => ({ status, body: JSON.stringify(value) });

/** Builds the per-request step shared by the node:http, Express and Fastify handlers. */
export function createReceive(options: ReceiverOptions, handler: EventHandler) {
  const deduper = options.dedupe === false ? undefined : (options.dedupe ?? createDeduper());
  return async (headers: HeaderBag, rawBody: string | Uint8Array): Promise<ReceiverAnswer> => {
    const result = verify(headers, rawBody, options.secret, options);
    if (!result.ok) {
      options.onRefused?.(result.error);
      return json(REFUSED_STATUS[result.error.code], { error: result.error.code, message: result.error.message });
    }
    if (deduper && !deduper.firstTime(result.id)) return json(200, { duplicate: true });
    try {
      const { ok: _ok, event, ...meta } = result;
      await handler(event, meta);
    } catch {
      // Let leadhook retry, and process the retry rather than dropping it as a repeat.
      deduper?.forget(result.id);
      return json(500, { error: 'handler_failed' });
    }
    return json(200, { received: true });
  };
}
