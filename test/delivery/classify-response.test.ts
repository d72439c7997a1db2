import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockedAddressError } from '../../src/delivery/address-guard.ts';
import { classify, classifyError } from '../../src/delivery/classify-response.ts';
import type { RawResponse, SendResult } from '../../src/delivery/send-request.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const answer = (status: number, headers: Record<string, string> = {}, truncated = false): SendResult => ({
  ok: true,
  response: { status, headers, body: 'ok', truncated } satisfies RawResponse,
  durationMs: 3,
  remoteAddress: '127.0.0.1',
});
const failure = (error: unknown, extra: Partial<{ timedOut: boolean; interrupted: boolean }> = {}): SendResult => ({
  ok: false,
  error,
  durationMs: 3,
  remoteAddress: null,
  timedOut: extra.timedOut ?? false,
  interrupted: extra.interrupted ?? false,
});
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classify response', () => {
  it('counts any 2xx as delivered, unless the body had to be cut', () => {
    assert.equal(classify(answer(200), NOW).kind, 'delivered');
    assert.equal(classify(answer(204), NOW).kind, 'delivered');
    const cut = classify(answer(200, {}, true), NOW);
    assert.equal(cut.kind === 'failed' && cut.category, 'response_too_large');
  });

  it('does not follow redirects, disables on 410 and reads Retry-After only on 429 and 503', () => {
    const redirect = classify(answer(302, { location: 'https://elsewhere.test/' }), NOW);
    assert.deepEqual(redirect.kind === 'failed' && [redirect.category, redirect.message], ['redirect', 'HTTP 302: redirects are not followed (location: https://elsewhere.test/)']);
    const gone = classify(answer(410), NOW);
    assert.equal(gone.kind === 'failed' && gone.gone, true);
    const limited = classify(answer(429, { 'retry-after': '30' }), NOW);
    assert.equal(limited.kind === 'failed' && limited.retryAfterS, 30);
    const error = classify(answer(500, { 'retry-after': '30' }), NOW);
    assert.deepEqual(error.kind === 'failed' && [error.category, error.retryAfterS], ['http_status', null]);
  });

  it('finds the category in the error or its causes', () => {
    assert.equal(classifyError(coded('ENOTFOUND'), false).category, 'dns');
    assert.equal(classifyError(new Error('fetch failed', { cause: coded('ECONNREFUSED') }), false).category, 'connect');
    assert.equal(classifyError(coded('UND_ERR_SOCKET'), false).category, 'reset');
    assert.equal(classifyError(coded('CERT_HAS_EXPIRED'), false).category, 'tls');
    assert.equal(classifyError(coded('ECONNRESET'), true).category, 'timeout');
    assert.equal(classifyError(new Error('strange'), false).category, 'other');
  });

  it('shows a blocked address as the kind of network, with the address only in the log detail', () => {
    const outcome = classify(failure(new BlockedAddressError('10.0.0.7', 'vm.internal')), NOW);
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.category, 'blocked_address');
    assert.equal(outcome.message, 'address not allowed: private network');
    assert.match(outcome.logDetail ?? '', /vm\.internal resolves to 10\.0\.0\.7/);
  });

  it('does not count a request the worker cut off while stopping', () => {
    assert.deepEqual(classify(failure(new Error('worker stopping'), { interrupted: true }), NOW), { kind: 'interrupted' });
  });
});
