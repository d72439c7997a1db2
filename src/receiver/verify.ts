// Verifies a Standard Webhooks request (webhook-id, webhook-timestamp, webhook-signature) with the
// `standardwebhooks` package's signer, returning a typed result instead of throwing, so a handler
// can answer each failure properly. The clock is a parameter (tests, replays, clock skew).
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { LeadhookEvent } from './events.ts';

export type VerifyErrorCode =
  | 'missing_headers'
  | 'malformed'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'handshake_key_mismatch';

export interface VerifyError {
  code: VerifyErrorCode;
  message: string;
}

export interface VerifiedEvent {
  /** The `webhook-id` header: the activity's `_id`, the same on every retry (dedupe on it). */
  id: string;
  /** When this attempt was signed. */
  timestamp: Date;
  event: LeadhookEvent;
  /**
   * `leadhook-lead-sequence`: the activity's number within its lead (1, 2, 3, …). Absent on
   * `webhook:test` requests and on deliveries queued before leadhook numbered activities.
   */
  leadSequence?: number;
  /**
   * `leadhook-lead-previous-sequence`: the number of the lead's previous activity that this
   * webhook's event filter matched, 0 if none. When it is not the last number you got for the
   * lead, something is missing or still on its way (docs/RECEIVING.md, "Gaps and order").
   */
  previousLeadSequence?: number;
}

export type VerifyResult = ({ ok: true } & VerifiedEvent) | { ok: false; error: VerifyError };

export interface VerifyOptions {
  /** Allowed distance between the timestamp and now, in seconds (default 300). */
  toleranceS?: number;
  /** The current time (default: the system clock). */
  now?: () => Date;
  /** When set, the body's `handshake_key` must equal it (see docs/WEBHOOKS.md). */
  handshakeKey?: string;
}

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

const DEFAULT_TOLERANCE_S = 300;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const value = bag[name] ?? Object.entries(bag).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
}

const fail = (code: VerifyErrorCode, message: string): VerifyResult => ({ ok: false, error: { code, message } });

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks the signature of `rawBody` (the exact bytes received) with one secret or several (during
 * a rotation either may sign), then the timestamp, then parses the body.
 */
export function verify(headers: HeaderBag, rawBody: string | Uint8Array, secret: string | readonly string[], options: VerifyOptions = {}): VerifyResult {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) return fail('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(timestampText)) return fail('malformed', 'webhook-timestamp is not a number of seconds');
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const timestamp = new Date(Number(timestampText) * 1000);

  const secrets = typeof secret === 'string' ? [secret] : secret;
  const offered = signatures.split(' ').filter((s) => s.startsWith('v1,')).map((s) => s.slice(3));
  const matches = secrets.some((key) => {
    const expected = new Webhook(key).sign(id, timestamp, body).slice(3);
    return offered.some((candidate) => sameText(candidate, expected));
  });
  if (!matches) return fail('invalid_signature', 'no signature matches the secret');

  const nowS = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceS ?? DEFAULT_TOLERANCE_S;
  if (nowS - timestamp.getTime() / 1000 > tolerance) return fail('timestamp_too_old', `signed more than ${tolerance} s ago`);
  if (timestamp.getTime() / 1000 - nowS > tolerance) return fail('timestamp_too_new', `signed more than ${tolerance} s in the future`);

  let event: LeadhookEvent;
  try {
    event = JSON.parse(body) as LeadhookEvent;
  } catch {
    return fail('malformed', 'the body is not JSON');
  }
  if (typeof event !== 'object' || event === null || typeof event.activity?.type !== 'string') {
    return fail('malformed', 'the body has no activity.type');
  }
  if (options.handshakeKey !== undefined && !sameText(event.handshake_key ?? '', options.handshakeKey)) {
    return fail('handshake_key_mismatch', 'handshake_key does not match');
  }
  return { ok: true, id, timestamp, event, ...leadSequences(headers) };
}

/** The sequence headers as numbers, both or neither (they are sent together). */
function leadSequences(headers: HeaderBag): Pick<VerifiedEvent, 'leadSequence' | 'previousLeadSequence'> {
  const current = header(headers, 'leadhook-lead-sequence');
  const previous = header(headers, 'leadhook-lead-previous-sequence');
  if (!current || !previous || !/^\d{1,15}$/.test(current) || !/^\d{1,15}$/.test(previous)) return {};
  return { leadSequence: Number(current), previousLeadSequence: Number(previous) };
}
