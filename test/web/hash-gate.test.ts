// The password-hash gate and the login throttle, without a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashGate } from '../../src/accounts/hash-gate.ts';
import { AppError } from '../../src/shared/errors.ts';
import { LoginThrottle, addressKey } from '../../src/web/login-throttle.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashGate', () => {
  it('runs at most `concurrency` at once, queues up to `maxQueue`, and refuses the rest at once', async () => {
    const gate = new HashGate({ concurrency: 2, maxQueue: 3 });
    let active = 0;
    let peak = 0;
    const releases = Array.from({ length: 6 }, deferred);
    const results = releases.map((release, i) =>
      gate
        .run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await release.promise;
          active -= 1;
          return i;
        })
        .then(
          (value) => ({ ok: value }),
          (error: unknown) => ({ refused: error instanceof AppError ? error.code : String(error) }),
        ),
    );
    assert.equal(gate.queued, 3);
    for (const release of releases) release.resolve();
    assert.deepEqual(await Promise.all(results), [{ ok: 0 }, { ok: 1 }, { ok: 2 }, { ok: 3 }, { ok: 4 }, { refused: 'rate_limited' }]);
    assert.equal(peak, 2);
    assert.equal(gate.queued, 0);
  });

  it('frees its slot when the work throws', async () => {
    const gate = new HashGate({ concurrency: 1, maxQueue: 0 });
    await assert.rejects(gate.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await gate.run(async () => 'next'), 'next');
  });
});

describe('LoginThrottle', () => {
  const options = { windowMs: 1000, perEmailAndAddress: 2, perAddress: 3, perEmail: 4 };

  it('counts attempts when they are reserved, before they are settled', () => {
    const throttle = new LoginThrottle(options);
    assert.equal(throttle.reserve('a@x', '1.1.1.1', 0).ok, true);
    assert.equal(throttle.reserve('a@x', '1.1.1.1', 0).ok, true);
    const third = throttle.reserve('a@x', '1.1.1.1', 10);
    assert.deepEqual(third, { ok: false, retryAfterMs: 990 });
  });

  it('gives a successful attempt back and clears the email-and-address count', () => {
    const throttle = new LoginThrottle(options);
    const failed = throttle.reserve('a@x', '1.1.1.1', 0);
    const succeeded = throttle.reserve('a@x', '1.1.1.1', 0);
    assert.ok(failed.ok && succeeded.ok);
    failed.reservation.settle(false);
    succeeded.reservation.settle(true);
    succeeded.reservation.settle(true);
    assert.equal(throttle.reserve('a@x', '1.1.1.1', 0).ok, true);
    assert.equal(throttle.reserve('a@x', '1.1.1.1', 0).ok, true);
    assert.equal(throttle.reserve('a@x', '1.1.1.1', 0).ok, false);
  });

  it('limits one address across emails and one email across addresses', () => {
    const throttle = new LoginThrottle(options);
    for (const email of ['a@x', 'b@x', 'c@x']) assert.equal(throttle.reserve(email, '1.1.1.1', 0).ok, true);
    assert.equal(throttle.reserve('d@x', '1.1.1.1', 0).ok, false);
    for (const address of ['2.2.2.2', '3.3.3.3', '4.4.4.4']) assert.equal(throttle.reserve('e@x', address, 0).ok, true);
    assert.equal(throttle.reserve('e@x', '5.5.5.5', 0).ok, true);
    assert.equal(throttle.reserve('e@x', '6.6.6.6', 0).ok, false);
    assert.equal(throttle.reserve('e@x', '6.6.6.6', 1000).ok, true, 'a new window starts');
  });

  it('counts IPv6 clients per /64 and IPv4-mapped clients as their IPv4 address', () => {
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), addressKey('2001:DB8:1:2::ffff'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    const throttle = new LoginThrottle(options);
    for (const suffix of ['1', '2', '3']) assert.equal(throttle.reserve(`${suffix}@x`, `2001:db8:1:2::${suffix}`, 0).ok, true);
    assert.equal(throttle.reserve('4@x', '2001:db8:1:2::4', 0).ok, false, 'same /64, same address budget');
  });

  it('keeps its memory bounded under a flood of distinct emails and addresses', () => {
    const throttle = new LoginThrottle({ windowMs: 60_000, perEmailAndAddress: 10, perAddress: 100, perEmail: 50, maxEntries: 3000 });
    let peak = 0;
    for (let i = 0; i < 5000; i++) {
      throttle.reserve(`user${i}@x`, `10.0.${(i >> 8) & 255}.${i & 255}`, 0);
      peak = Math.max(peak, throttle.size);
    }
    assert.ok(peak <= 3000, String(peak));
    assert.ok(throttle.size >= 2000, 'recent keys are kept');
  });
});
