import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { sign, signatureHeader } from '../../src/delivery/sign.ts';
import { newSigningSecret } from '../../src/webhooks/secrets.ts';

const AT = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
const BODY = '{"activity":{"_id":"a1"},"lead":{"_id":"l1"}}';

describe('signatures', () => {
  it('are byte-identical to the Standard Webhooks library and verify with it', () => {
    const secret = newSigningSecret();
    assert.equal(sign(secret, 'msg_1', AT, BODY), new Webhook(secret).sign('msg_1', AT, BODY));
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(AT.getTime() / 1000), 'webhook-signature': sign(secret, 'msg_1', AT, BODY) };
    const verifier = new Webhook(secret);
    // The library checks the timestamp against the real clock; sign "now" for the verify half.
    const now = new Date();
    const fresh = { ...headers, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': sign(secret, 'msg_1', now, BODY) };
    assert.deepEqual(verifier.verify(BODY, fresh), JSON.parse(BODY));
    assert.throws(() => verifier.verify(`${BODY} `, fresh));
  });

  it('adds the previous secret until it expires', () => {
    const secrets = { secret: newSigningSecret(), previousSecret: newSigningSecret(), previousSecretExpiresAt: AT.getTime() + 1 };
    const both = signatureHeader(secrets, 'msg_2', AT, BODY).split(' ');
    assert.deepEqual(both, [sign(secrets.secret, 'msg_2', AT, BODY), sign(secrets.previousSecret, 'msg_2', AT, BODY)]);
    const later = new Date(AT.getTime() + 1);
    assert.deepEqual(signatureHeader(secrets, 'msg_2', later, BODY).split(' '), [sign(secrets.secret, 'msg_2', later, BODY)]);
  });
});
