// Inspector inboxes: URLs under leadhook's own origin (`${publicUrl}/inbox/<token>`) that record
// what is sent to them, so an account can see what its webhook receives (docs/RECEIVING.md).
// The pure rules: limits, the URL form, and recognising an inbox URL.
import { randomBytes } from 'node:crypto';

/** An inbox lives this long. */
export const INBOX_TTL_MS = 24 * 3_600_000;
/** Each inbox keeps its newest this many requests. */
export const MAX_REQUESTS_PER_INBOX = 100;
/** Bodies are stored up to this many bytes, then cut (marked `body_truncated`). */
export const MAX_STORED_BODY_BYTES = 256 * 1024;
/** Unexpired inboxes an account may hold at once. */
export const MAX_INBOXES_PER_ACCOUNT = 20;

const INBOX_PATH = '/inbox/';
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export interface InboxRequestInput {
  method: string;
  headers: Record<string, string>;
  body: Buffer | string;
  /** `delivery`: recorded in-process by the delivery worker; `http`: POSTed to the public route; `sample`: made by recordSamples. */
  source: 'delivery' | 'http' | 'sample';
}

export function newInboxToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isInboxToken(value: string): boolean {
  return TOKEN.test(value);
}

export function inboxUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${INBOX_PATH}${token}`;
}

/**
 * The token when `url` is an inbox URL of this leadhook (same origin as the public URL, path
 * `<public path>/inbox/<token>`, no query); undefined for every other URL.
 */
export function inboxTokenOf(url: string, publicUrl: string): string | undefined {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(publicUrl);
  } catch {
    return undefined;
  }
  if (target.origin !== base.origin || target.search !== '' || target.username || target.password) return undefined;
  const prefix = `${base.pathname.replace(/\/+$/, '')}${INBOX_PATH}`;
  if (!target.pathname.startsWith(prefix)) return undefined;
  const token = target.pathname.slice(prefix.length);
  return isInboxToken(token) ? token : undefined;
}
