import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createDeduper } from '../../src/receiver/dedupe.ts';
import { verify } from '../../src/receiver/verify.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_c2VjcmV0LXR3by1zZWNyZXQtdHdvLXNlY3JldA==';
const AT = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
const BODY = JSON.stringify({
  activity: { _id: '6960a1b0aaaaaaaaaa000001', created_at: '2026-01-05T09:00:00Z', note_content: 'Hi', type: 'note:created', user: { _id: '6960a1b0aaaaaaaaaa000002', name: 'Ada', photo_url: null } },
  lead: { _id: '6960a1b0aaaaaaaaaa000003', name: 'Acme', stage: { _id: '6960a1b0aaaaaaaaaa000004', name: 'Lead In' }, pipe: { _id: '6960a1b0aaaaaaaaaa000005', name: 'Default' } },
  handshake_key: 'shake',
});

function signed(secret = SECRET, at = AT, body = BODY) {
  return {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign('msg_1', at, body),
  };
}
const now = (offsetS = 0) => () => new Date(AT.getTime() + offsetS * 1000);

describe('verify', () => {
  it('returns the parsed event, its id and its timestamp for a good signature', () => {
    const result = verify(signed(), BODY, SECRET, { now: now(10) });
    assert.ok(result.ok);
    assert.equal(result.id, 'msg_1');
    assert.equal(result.timestamp.getTime(), AT.getTime());
    assert.equal(result.event.activity.type, 'note:created');
    if (result.event.activity.type === 'note:created') assert.equal(result.event.activity.note_content, 'Hi');
  });

  it('carries the lead sequence headers as numbers when both are present', () => {
    const headers = { ...signed(), 'leadhook-lead-sequence': '7', 'leadhook-lead-previous-sequence': '5' };
    const result = verify(headers, BODY, SECRET, { now: now() });
    assert.ok(result.ok);
    assert.equal(result.leadSequence, 7);
    assert.equal(result.previousLeadSequence, 5);
    const without = verify(signed(), BODY, SECRET, { now: now() });
    assert.ok(without.ok);
    assert.equal('leadSequence' in without, false);
    const half = verify({ ...signed(), 'leadhook-lead-sequence': '7' }, BODY, SECRET, { now: now() });
    assert.ok(half.ok);
    assert.equal(half.leadSequence, undefined);
  });

  it('accepts a Buffer body and a Headers object', () => {
    const result = verify(new Headers(signed()), Buffer.from(BODY), SECRET, { now: now() });
    assert.equal(result.ok, true);
  });

  it('refuses a signature made with another secret, and a changed body', () => {
    assert.deepEqual(verify(signed(OTHER), BODY, SECRET, { now: now() }), {
      ok: false,
      error: { code: 'invalid_signature', message: 'no signature matches the secret' },
    });
    const changed = verify(signed(), BODY.replace('Hi', 'Ho'), SECRET, { now: now() });
    assert.equal(!changed.ok && changed.error.code, 'invalid_signature');
  });

  it('accepts either secret during a rotation, and a header carrying two signatures', () => {
    assert.equal(verify(signed(OTHER), BODY, [SECRET, OTHER], { now: now() }).ok, true);
    const both = { ...signed(), 'webhook-signature': `${new Webhook(OTHER).sign('msg_1', AT, BODY)} ${new Webhook(SECRET).sign('msg_1', AT, BODY)}` };
    assert.equal(verify(both, BODY, SECRET, { now: now() }).ok, true);
  });

  it('refuses timestamps more than the tolerance away, in either direction', () => {
    const old = verify(signed(), BODY, SECRET, { now: now(301) });
    assert.equal(!old.ok && old.error.code, 'timestamp_too_old');
    const future = verify(signed(), BODY, SECRET, { now: now(-301) });
    assert.equal(!future.ok && future.error.code, 'timestamp_too_new');
    assert.equal(verify(signed(), BODY, SECRET, { now: now(3600), toleranceS: 3601 }).ok, true);
  });

  it('reports missing headers, a malformed timestamp and a body that is not an event', () => {
    const { 'webhook-signature': _dropped, ...unsigned } = signed();
    const missing = verify(unsigned, BODY, SECRET, { now: now() });
    assert.equal(!missing.ok && missing.error.code, 'missing_headers');
    const badTime = verify({ ...signed(), 'webhook-timestamp': 'yesterday' }, BODY, SECRET, { now: now() });
    assert.equal(!badTime.ok && badTime.error.code, 'malformed');
    const notJson = verify(signed(SECRET, AT, 'not json'), 'not json', SECRET, { now: now() });
    assert.equal(!notJson.ok && notJson.error.code, 'malformed');
  });

  it('checks the handshake key when asked to', () => {
    assert.equal(verify(signed(), BODY, SECRET, { now: now(), handshakeKey: 'shake' }).ok, true);
    const wrong = verify(signed(), BODY, SECRET, { now: now(), handshakeKey: 'other' });
    assert.equal(!wrong.ok && wrong.error.code, 'handshake_key_mismatch');
  });
});

describe('createDeduper', () => {
  it('sees an id once within the TTL, and again after it expires', () => {
    let t = 0;
    const dedupe = createDeduper({ ttlMs: 1000, now: () => t });
    assert.equal(dedupe.firstTime('a'), true);
    assert.equal(dedupe.firstTime('a'), false);
    t = 999;
    assert.equal(dedupe.firstTime('a'), false);
    t = 1000;
    assert.equal(dedupe.firstTime('a'), true);
  });

  it('holds at most maxEntries ids, forgetting the oldest first', () => {
    const dedupe = createDeduper({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(dedupe.firstTime(id), true);
    assert.equal(dedupe.size, 3);
    assert.equal(dedupe.firstTime('d'), false);
    assert.equal(dedupe.firstTime('a'), true, 'the oldest was forgotten');
  });

  it('drops expired ids as time passes, so memory does not grow with old traffic', () => {
    let t = 0;
    const dedupe = createDeduper({ ttlMs: 10, now: () => t });
    for (let i = 0; i < 100; i += 1) dedupe.firstTime(`id${i}`);
    t = 50;
    dedupe.firstTime('new');
    assert.equal(dedupe.size, 1);
  });

  it('forgets an id on request, so a failed event is processed on retry', () => {
    const dedupe = createDeduper();
    dedupe.firstTime('a');
    dedupe.forget('a');
    assert.equal(dedupe.firstTime('a'), true);
  });
});
