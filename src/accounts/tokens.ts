// One-time tokens sent by email (invitations, password resets): 32 random bytes in base64url; only
// the sha256 is stored, so a leaked database holds no usable link.
import { randomBytes } from 'node:crypto';
import { hashSecret } from './api-keys.ts';

export function newEmailToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecret(token) };
}

/** Tokens are base64url of 32 bytes; anything else is not worth a database lookup. */
export function isTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
