// API keys: `lh_` + 32 random bytes in base64url, shown once; only the sha256 is stored, so a
// lookup is one indexed equality and a leaked database holds no usable key.
import { createHash, randomBytes } from 'node:crypto';

export function newApiKey(): string {
  return `lh_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What listings show of a key: `lh_` and five more characters, enough to tell keys apart. */
export function keyPrefix(key: string): string {
  return key.slice(0, 8);
}
