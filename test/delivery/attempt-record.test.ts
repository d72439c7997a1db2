import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeWebhookBody } from '../../src/activities/payload.ts';
import { REDACTED, SAME_AS_DELIVERY, attemptRequestBody, attemptRow, redactBody, redactHeaders } from '../../src/delivery/attempt-record.ts';

describe('attempt record redaction', () => {
  it('hides the signature and authorization headers, whatever their case', () => {
    assert.deepEqual(redactHeaders({ 'Webhook-Signature': 'v1,abc', authorization: 'Bearer x', 'webhook-id': 'm1' }), {
      'Webhook-Signature': REDACTED,
      authorization: REDACTED,
      'webhook-id': 'm1',
    });
  });

  it('hides the handshake key the body ends with, escaped quotes included, and nothing else', () => {
    const body = composeWebhookBody('{"_id":"a1","note":"handshake_key"}', '{"_id":"l1"}', 'se"cr\\et');
    const redacted = redactBody(body);
    assert.ok(!redacted.includes('se\\"cr'));
    assert.deepEqual(JSON.parse(redacted).handshake_key, REDACTED);
    assert.deepEqual(JSON.parse(redacted).activity, { _id: 'a1', note: 'handshake_key' });
    const plain = composeWebhookBody('{"_id":"a1"}', '{"_id":"l1"}', null);
    assert.equal(redactBody(plain), plain);
  });

  it('shows the copy an attempt recorded before kept, and otherwise its delivery\'s body, redacted', () => {
    const body = composeWebhookBody('{"_id":"a1"}', '{"_id":"l1"}', 'key');
    const kept = redactBody(composeWebhookBody('{"_id":"a0"}', '{"_id":"l1"}', 'key'));
    assert.equal(attemptRequestBody(kept, body), kept);
    assert.equal(attemptRequestBody(SAME_AS_DELIVERY, body), redactBody(body));
    assert.ok(!attemptRequestBody(SAME_AS_DELIVERY, body).includes('"key"'));
  });

  it('stores the attempt with the redacted request and the outcome', () => {
    const body = composeWebhookBody('{"_id":"a1"}', '{"_id":"l1"}', 'key');
    const row = attemptRow({
      delivery: { id: 'd1', account_id: 'acc', webhook_id: 'w1', activity_id: 'a1', type: 'lead:created', body, attempts: 2, is_test: 0, retry_base: 0, lease_token: 't', lease_until: 0, lead_seq: null, lead_prev_seq: null },
      url: 'https://hooks.example.test/x',
      requestHeaders: { 'webhook-signature': 'v1,zzz' },
      outcome: { kind: 'failed', category: 'http_status', message: 'HTTP 500', response: { status: 500, headers: {}, body: 'no', truncated: false }, retryAfterS: null, gone: false },
      startedAt: Date.UTC(2026, 0, 5),
      durationMs: 12,
      remoteAddress: '127.0.0.1',
    });
    assert.equal(row.attempt_number, 3);
    assert.equal(row.succeeded, 0);
    assert.equal(row.request_headers, JSON.stringify({ 'webhook-signature': REDACTED }));
    assert.equal(row.request_body, SAME_AS_DELIVERY, 'the body is its delivery\'s, not stored again');
    assert.equal(JSON.parse(attemptRequestBody(row.request_body, body)).handshake_key, REDACTED);
    assert.deepEqual([row.response_status, row.error_category, row.error_message], [500, 'http_status', 'HTTP 500']);
  });
});
