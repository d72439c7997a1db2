import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextAttempt, parseRetryAfter } from '../../src/delivery/retry-policy.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const base = { schedule: [5, 300, 1800], jitter: 0.2, random: () => 0.5, retryAfterS: null, now: NOW };

describe('retry policy', () => {
  it('waits schedule[n - 1] seconds after attempt n, then gives up after the last entry', () => {
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 1 }), { retry: true, nextAttemptAt: NOW + 5_000 });
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 3 }), { retry: true, nextAttemptAt: NOW + 1_800_000 });
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 4 }), { retry: false });
  });

  it('spreads the delay by ±jitter', () => {
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 2, random: () => 0 }), { retry: true, nextAttemptAt: NOW + 240_000 });
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 2, random: () => 0.75 }), { retry: true, nextAttemptAt: NOW + 330_000 });
  });

  it('moves a retry later for Retry-After, never sooner than scheduled and at most twice the delay', () => {
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 1, retryAfterS: 7 }), { retry: true, nextAttemptAt: NOW + 7_000 });
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 1, retryAfterS: 1 }), { retry: true, nextAttemptAt: NOW + 5_000 });
    assert.deepEqual(nextAttempt({ ...base, attemptsInSchedule: 1, retryAfterS: 3600 }), { retry: true, nextAttemptAt: NOW + 10_000 });
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    assert.equal(parseRetryAfter(' 120 ', NOW), 120);
    assert.equal(parseRetryAfter(new Date(NOW + 90_500).toUTCString(), NOW), 90);
    assert.equal(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter(undefined, NOW), null);
  });
});
