// IPv6 addresses that embed an IPv4 address are judged by that IPv4 address: IPv4-compatible
// (::a.b.c.d), IPv4-mapped, NAT64. Nothing is ever dialled: the resolver is injected.
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { BlockedAddressError, createAddressPolicy, createGuardedLookup, type Resolver } from '../../src/delivery/address-guard.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';

const EMBEDDED_BLOCKED = ['::127.0.0.1', '::7f00:1', '::a9fe:a9fe', '::169.254.169.254', '::10.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '64:ff9b:1::a9fe:a9fe'];
const EMBEDDED_PUBLIC = ['::8.8.8.8', '::808:808', '64:ff9b::808:808'];

function lookupVia(addresses: string[]) {
  const resolver: Resolver = async () => addresses.map((address): LookupAddress => ({ address, family: 6 }));
  const lookup = createGuardedLookup(resolver, createAddressPolicy([]));
  return new Promise<{ error: unknown; result: unknown }>((resolve) =>
    lookup('target.test', { all: true }, (error, result) => resolve({ error, result })),
  );
}

describe('address guard: IPv4 inside IPv6', () => {
  it('blocks IPv4-compatible, mapped and NAT64 forms of special-purpose IPv4 addresses, and passes public ones', () => {
    const policy = createAddressPolicy([]);
    assert.deepEqual(EMBEDDED_BLOCKED.filter((ip) => !policy.isBlocked(ip)), []);
    assert.deepEqual(EMBEDDED_PUBLIC.filter((ip) => policy.isBlocked(ip)), []);
  });

  it('follows LEADHOOK_ALLOW_PRIVATE_TARGETS for the embedded address', () => {
    const policy = createAddressPolicy(['loopback']);
    assert.equal(policy.isBlocked('::127.0.0.1'), false);
    assert.equal(policy.isBlocked('::a9fe:a9fe'), true);
  });

  it('refuses at connect time a name that resolves to ::a9fe:a9fe', async () => {
    const { error } = await lookupVia(['::a9fe:a9fe']);
    assert.ok(error instanceof BlockedAddressError);
    assert.equal(error.address, '::a9fe:a9fe');
    const publicAnswer = await lookupVia(['::808:808']);
    assert.equal(publicAnswer.error, null);
  });
});

for (const dialect of DIALECTS) {
  describe(`webhook URLs with embedded IPv4 literals [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('refuses [::127.0.0.1] and [::a9fe:a9fe] with 400 and stores nothing', async () => {
      const acct = await h().account();
      for (const url of ['http://[::127.0.0.1]/hook', 'http://[::a9fe:a9fe]/latest/meta-data', 'http://[64:ff9b::7f00:1]/']) {
        const response = await acct.api('POST', '/webhooks', { url });
        assert.equal(response.status, 400, url);
      }
      assert.deepEqual((await acct.api('GET', '/webhooks')).body, []);
    });
  });
}
