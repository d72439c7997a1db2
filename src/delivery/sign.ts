// Standard Webhooks signatures (docs/WEBHOOKS.md): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
// keyed with the base64 part of the `whsec_…` secret. During a rotation the previous secret signs
// too, for 24 h; signatures are space-separated. Signed with node:crypto directly (the
// `standardwebhooks` package verifies them in the tests): the same bytes, without its per-call
// overhead.
import { createHmac } from 'node:crypto';

export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

const SECRET_PREFIX = 'whsec_';
const keys = new Map<string, Buffer>();

/** The HMAC key of a secret, decoded once per secret (a small cache, cleared when it grows). */
function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 10_000) keys.clear();
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    keys.set(secret, key);
  }
  return key;
}

/** One `v1,<base64>` signature of a message sent at `at`. */
export function sign(secret: string, msgId: string, at: Date, body: string): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header value for a message sent at `at`. */
export function signatureHeader(secrets: SigningSecrets, msgId: string, at: Date, body: string): string {
  const signatures = [sign(secrets.secret, msgId, at, body)];
  if (secrets.previousSecret && secrets.previousSecretExpiresAt !== null && secrets.previousSecretExpiresAt > at.getTime()) {
    signatures.push(sign(secrets.previousSecret, msgId, at, body));
  }
  return signatures.join(' ');
}
