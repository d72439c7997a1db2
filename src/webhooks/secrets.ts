// Signing secrets: `whsec_` + base64 of 24 random bytes, the Standard Webhooks format.
import { randomBytes } from 'node:crypto';

/** How long the previous secret keeps signing after a rotation (docs/SPEC.md §3). */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
