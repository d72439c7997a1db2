// Standard Webhooks signatures (PRODUCT §3): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
// During a rotation the previous secret signs too, for 24 h; signatures are space-separated.
import { Webhook } from 'standardwebhooks';

export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

const signers = new Map<string, Webhook>();

function signer(secret: string): Webhook {
  let webhook = signers.get(secret);
  if (!webhook) {
    // A small cache: decoding the secret once per webhook, not once per request.
    if (signers.size > 10_000) signers.clear();
    webhook = new Webhook(secret);
    signers.set(secret, webhook);
  }
  return webhook;
}

/** The `webhook-signature` header value for a message sent at `at`. */
export function signatureHeader(secrets: SigningSecrets, msgId: string, at: Date, body: string): string {
  const signatures = [signer(secrets.secret).sign(msgId, at, body)];
  if (secrets.previousSecret && secrets.previousSecretExpiresAt !== null && secrets.previousSecretExpiresAt > at.getTime()) {
    signatures.push(signer(secrets.previousSecret).sign(msgId, at, body));
  }
  return signatures.join(' ');
}
