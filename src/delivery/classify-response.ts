// Turns what the sender saw into an AttemptOutcome with an Error Log category (docs/SPEC.md §4).
import { parseRetryAfter } from './retry-policy.ts';
import type { AttemptOutcome, ErrorCategory } from './outcome.ts';
import type { SendResult } from './send-request.ts';

export function classify(result: SendResult, now: number): AttemptOutcome {
  if (!result.ok) {
    if (result.interrupted) return { kind: 'interrupted' };
    const { category, message } = classifyError(result.error, result.timedOut);
    if (category === 'blocked_address') {
      // The tenant sees the kind of network only; the resolved address goes to the server log.
      const publicMessage = blockedPublicMessage(result.error) ?? 'address not allowed';
      return { kind: 'failed', category, message: publicMessage, response: null, retryAfterS: null, gone: false, logDetail: message };
    }
    return { kind: 'failed', category, message, response: null, retryAfterS: null, gone: false };
  }
  const response = result.response;
  const status = response.status;
  const failed = (category: ErrorCategory, message: string, retryAfterS: number | null = null, gone = false): AttemptOutcome => ({
    kind: 'failed',
    category,
    message,
    response,
    retryAfterS,
    gone,
  });
  if (status >= 300 && status < 400) {
    return failed('redirect', `HTTP ${status}: redirects are not followed${response.headers.location ? ` (location: ${response.headers.location})` : ''}`);
  }
  if (status >= 200 && status < 300) {
    // A receiver that answers with more than 64 KiB is misbehaving; the body was cut (docs/SPEC.md §4).
    if (response.truncated) return failed('response_too_large', `HTTP ${status} with a response body over 64 KiB (cut)`);
    return { kind: 'delivered', response };
  }
  if (status === 410) return failed('http_status', 'HTTP 410 Gone: the webhook is disabled', null, true);
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], now) : null;
  return failed('http_status', `HTTP ${status}`, retryAfter);
}

const CODE_CATEGORIES: Record<string, ErrorCategory> = {
  ELEADHOOK_BLOCKED_ADDRESS: 'blocked_address',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EHOSTDOWN: 'connect',
  EADDRNOTAVAIL: 'connect',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ABORT_ERR: 'timeout',
};

/** Walks the error and its causes (undici wraps socket errors) for a known code. */
export function classifyError(error: unknown, timedOut: boolean): { category: ErrorCategory; message: string } {
  const message = describe(error);
  if (timedOut) return { category: 'timeout', message: `timed out: ${message}` };
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const category = CODE_CATEGORIES[code];
      if (category) return { category, message };
      if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code)) return { category: 'tls', message };
    }
    if ((current as { name?: unknown }).name === 'TimeoutError') return { category: 'timeout', message };
    current = (current as { cause?: unknown }).cause;
  }
  return { category: 'other', message };
}

/** The tenant-facing message of a BlockedAddressError anywhere in the cause chain. */
function blockedPublicMessage(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const publicMessage = (current as { publicMessage?: unknown }).publicMessage;
    if (typeof publicMessage === 'string') return publicMessage;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${error.message}${cause}`.slice(0, 1000);
}
