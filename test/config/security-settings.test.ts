// The security settings of docs/CONFIGURATION.md: trust proxy, password-hash bounds, open sign-up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('security settings', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    assert.equal(config.trustProxy, false);
    assert.equal(config.openSignup, false);
    assert.equal(config.passwordHashConcurrency, 2);
    assert.equal(config.passwordHashQueue, 64);
  });

  it('reads LEADHOOK_TRUST_PROXY as on/off, a hop count or proxy addresses', () => {
    assert.equal(loadConfig({ LEADHOOK_TRUST_PROXY: '1' }).trustProxy, true);
    assert.equal(loadConfig({ LEADHOOK_TRUST_PROXY: 'false' }).trustProxy, false);
    assert.deepEqual(loadConfig({ LEADHOOK_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7' }).trustProxy, ['10.0.0.0/8', '192.168.1.7']);
    const hops = loadConfig({ LEADHOOK_TRUST_PROXY: 'hops:2' }).trustProxy;
    assert.equal(typeof hops, 'function');
    const trust = hops as (address: string, hop: number) => boolean;
    assert.deepEqual([0, 1, 2].map((hop) => trust('203.0.113.1', hop)), [true, true, false]);
  });

  it('lists every bad security setting in one error', () => {
    assert.throws(
      () => loadConfig({ LEADHOOK_TRUST_PROXY: 'yes please', LEADHOOK_PASSWORD_HASH_CONCURRENCY: '0', LEADHOOK_OPEN_SIGNUP: 'maybe' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 3,
    );
  });
});
