import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { createAddressPolicy, type Resolver } from '../../src/delivery/address-guard.ts';
import { defaultConnector, createSender, type ConnectorFactory } from '../../src/delivery/send-request.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf } from '../helpers/webhooks.ts';

const BLOCKED = [
  '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
  '100.64.0.1', '100.127.255.254', '224.0.0.1', '239.255.255.250', '0.0.0.0', '0.1.2.3', '240.0.0.1',
  '255.255.255.255', '192.0.2.1', '198.18.0.1', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1',
  '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '64:ff9b::7f00:1',
  '2002:7f00:1::1', '2002:a9fe:a9fe::1', '2001:db8::1', 'not-an-ip',
];
const PUBLIC = ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];

/** Fake DNS: never asks a real resolver. */
const FAKE_DNS: Record<string, string[]> = {
  'good.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['127.0.0.1', '10.0.0.5'],
  'mapped.test': ['::ffff:192.168.0.1'],
  'public.test': ['93.184.216.34'],
};
const fakeResolver: Resolver = async (hostname) => {
  const addresses = FAKE_DNS[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** Records every address the guarded lookup lets through and refuses to dial anything not loopback. */
const dialled: string[] = [];
const recordingConnector: ConnectorFactory = (lookup, timeout) =>
  defaultConnector(
    (hostname, options, callback) =>
      lookup(hostname, options, (error, addresses, family) => {
        const list = typeof addresses === 'string' ? [addresses] : addresses.map((a) => a.address);
        if (!error) dialled.push(...list);
        if (!error && list.some((a) => a !== '127.0.0.1' && a !== '::1')) {
          callback(new Error(`test connector refused to dial ${list.join(', ')}`), []);
          return;
        }
        callback(error, addresses, family);
      }),
    timeout,
  );

for (const dialect of DIALECTS) {
  describe(`address guard [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: () => ({ resolver: fakeResolver, connector: recordingConnector, random: () => 0.5 }) });

    it('refuses every special-purpose address and its IPv6-embedded forms', () => {
      const policy = createAddressPolicy([]);
      assert.deepEqual(BLOCKED.filter((ip) => !policy.isBlocked(ip)), []);
      assert.deepEqual(PUBLIC.filter((ip) => policy.isBlocked(ip)), []);
    });

    it('opens only the ranges LEADHOOK_ALLOW_PRIVATE_TARGETS names', () => {
      const loopback = createAddressPolicy(['loopback']);
      assert.deepEqual(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '169.254.169.254'].map((ip) => loopback.isBlocked(ip)), [false, false, false, true, true]);
      const tenNet = createAddressPolicy(['10.0.0.0/8']);
      assert.deepEqual(['10.1.2.3', '11.0.0.1', '127.0.0.1', '::ffff:10.9.9.9'].map((ip) => tenNet.isBlocked(ip)), [false, false, true, false]);
    });

    it('refuses a literal-IP URL before connecting', async () => {
      const receiver = await startReceiver();
      const sender = createSender({
        policy: createAddressPolicy([]),
        resolver: fakeResolver,
        connectTimeoutMs: 1000,
        timeoutMs: 1000,
        connectionsPerOrigin: 1,
      });
      try {
        const result = await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: new AbortController().signal });
        assert.equal(result.ok, false);
        assert.equal(!result.ok && (result.error as { code?: string }).code, 'ELEADHOOK_BLOCKED_ADDRESS');
        assert.equal(receiver.requests.length, 0);
      } finally {
        await sender.close();
        await receiver.close();
      }
    });

    it('refuses special-purpose webhook URLs at creation', async () => {
      const acct = await h().account();
      for (const url of ['http://10.0.0.1/x', 'http://169.254.169.254/latest', 'http://[fe80::1]/', 'http://[::ffff:192.168.0.1]/', 'ftp://example.com/', 'http://user:pw@example.com/', 'not a url']) {
        const response = await acct.api('POST', '/webhooks', { url });
        assert.equal(response.status, 400, url);
        assert.equal(response.body.error.code, 'validation_failed');
      }
      assert.deepEqual((await acct.api('GET', '/webhooks')).body, []);
    });

    it('checks every resolved address at connect time; nothing but loopback is dialled', async () => {
      dialled.length = 0;
      const receiver = await startReceiver();
      try {
        const acct = await h().account();
        const port = new URL(receiver.url()).port;
        const hooks: Record<string, string> = {};
        for (const host of ['good.test', 'metadata.test', 'mixed.test', 'mapped.test', 'nowhere.test']) {
          hooks[host] = (await createWebhook(acct, { url: `http://${host}:${port}/hook` }))._id;
        }
        await createLead(acct);
        await h().worker().drain();
        assert.equal(receiver.requests.length, 1);
        assert.equal(receiver.requests[0]!.headers.host, `good.test:${port}`);
        const outcome: Record<string, string> = {};
        for (const [host, id] of Object.entries(hooks)) {
          const [delivery] = await deliveriesOf(acct, id);
          outcome[host] = delivery.status === 'succeeded' ? 'succeeded' : String(delivery.last_error).split(':')[0]!;
        }
        assert.deepEqual(outcome, {
          'good.test': 'succeeded',
          'metadata.test': 'blocked_address',
          'mixed.test': 'blocked_address',
          'mapped.test': 'blocked_address',
          'nowhere.test': 'dns',
        });
        assert.deepEqual([...new Set(dialled)], ['127.0.0.1']);
        // The Error Log names the kind of network, never the address the host resolved to.
        const errors = (await acct.api('GET', '/error-log?size=50')).body as Array<{ webhook_id: string; message: string }>;
        const messages = Object.fromEntries(
          ['metadata.test', 'mixed.test', 'mapped.test'].map((host) => [host, errors.find((e) => e.webhook_id === hooks[host])?.message]),
        );
        assert.deepEqual(messages, {
          'metadata.test': 'address not allowed: link-local network',
          'mixed.test': 'address not allowed: private network',
          'mapped.test': 'address not allowed: private network',
        });
        for (const host of ['metadata.test', 'mixed.test', 'mapped.test']) {
          const [delivery] = await deliveriesOf(acct, hooks[host]!);
          assert.doesNotMatch(String(delivery.last_error), /\d+\.\d+\.\d+\.\d+|::ffff|resolves/);
        }
      } finally {
        await receiver.close();
      }
    });
  });
}
