import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { createAddressPolicy, systemResolver } from '../../src/delivery/address-guard.ts';
import { createSender } from '../../src/delivery/send-request.ts';
import { startReceiver } from '../helpers/receiver.ts';

const loopbackSender = (timeoutMs = 5_000) =>
  createSender({ policy: createAddressPolicy(['loopback']), resolver: systemResolver, connectTimeoutMs: 1_000, timeoutMs, connectionsPerOrigin: null });

describe('sender', () => {
  it('cuts off every request in flight when its signal aborts, and serves the next signal as before', async () => {
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_req, res) => held.push(res));
    const sender = loopbackSender();
    const stopping = new AbortController();
    try {
      const sends = [1, 2, 3].map(() => sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: stopping.signal }));
      await receiver.waitFor(3);
      stopping.abort(new Error('worker stopping'));
      for (const result of await Promise.all(sends)) assert.deepEqual([result.ok, !result.ok && result.interrupted, !result.ok && result.timedOut], [false, true, false]);
      // A signal aborted before the request: cut off at once.
      const late = await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: stopping.signal });
      assert.deepEqual([late.ok, !late.ok && late.interrupted], [false, true]);
      receiver.behave((_req, res) => res.writeHead(200).end('ok'));
      const fresh = await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: new AbortController().signal });
      assert.deepEqual([fresh.ok, fresh.ok && fresh.response.status], [true, 200]);
    } finally {
      for (const res of held) res.destroy();
      await sender.close();
      await receiver.close();
    }
  });

  it('times a request out on its own, without aborting the caller signal', async () => {
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_req, res) => held.push(res));
    const sender = loopbackSender(200);
    try {
      const signal = new AbortController().signal;
      const result = await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal });
      assert.deepEqual([result.ok, !result.ok && result.timedOut, !result.ok && result.interrupted, signal.aborted], [false, true, false, false]);
    } finally {
      for (const res of held) res.destroy();
      await sender.close();
      await receiver.close();
    }
  });
});
