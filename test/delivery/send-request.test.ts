import assert from 'node:assert/strict';
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { BlockedAddressError, createAddressPolicy, systemResolver } from '../../src/delivery/address-guard.ts';
import { classifyError } from '../../src/delivery/classify-response.ts';
import { createSender, defaultConnector, RESPONSE_BODY_LIMIT, type ConnectorFactory, type SendResult } from '../../src/delivery/send-request.ts';
import { startReceiver, type Behaviour } from '../helpers/receiver.ts';

const loopbackSender = (timeoutMs = 5_000, connector?: ConnectorFactory) =>
  createSender({ policy: createAddressPolicy(['loopback']), resolver: systemResolver, connectTimeoutMs: 1_000, timeoutMs, connectionsPerOrigin: null, connector });

const never = () => new AbortController().signal;

/** Sends one POST to a receiver that answers with `behaviour`; responses it holds are destroyed after. */
async function exchange(behaviour: Behaviour, timeoutMs = 5_000): Promise<SendResult> {
  const held: ServerResponse[] = [];
  const receiver = await startReceiver((req, res) => {
    held.push(res);
    behaviour(req, res);
  });
  const sender = loopbackSender(timeoutMs);
  try {
    return await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: never() });
  } finally {
    for (const res of held) res.destroy();
    await sender.close();
    await receiver.close();
  }
}

const okResponse = (result: SendResult) => {
  assert.ok(result.ok, `expected a response, got ${result.ok ? '' : String(result.error)}`);
  return result.response;
};

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

  it('posts the body and headers to the URL path and query, and returns status, lower-case headers, body and the remote address', async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(201, { 'Content-Type': 'text/plain', 'X-Answer': '42' }).end('créé'));
    const sender = loopbackSender();
    try {
      const result = await sender.send({ url: receiver.url('/in/hook?tenant=7#fragment'), headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{"a":"ü"}', signal: never() });
      const response = okResponse(result);
      assert.deepEqual([response.status, response.headers['content-type'], response.headers['x-answer'], response.body, response.truncated], [201, 'text/plain', '42', 'créé', false]);
      assert.equal(result.ok && result.remoteAddress, '127.0.0.1');
      assert.equal(typeof result.durationMs, 'number');
      const [received] = receiver.requests;
      assert.deepEqual([received?.method, received?.path, received?.body, received?.headers['webhook-id'], received?.headers['content-type']], ['POST', '/in/hook?tenant=7', '{"a":"ü"}', 'msg_1', 'application/json']);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });

  it('joins a response header sent several times with ", "', async () => {
    const response = okResponse(
      await exchange((_req, res) => {
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Multi', ['one', 'two', 'three']);
        res.writeHead(200).end();
      }),
    );
    assert.deepEqual([response.headers['set-cookie'], response.headers['x-multi'], response.body], ['a=1, b=2', 'one, two, three', '']);
  });

  it('reports the final response, not a 1xx informational one before it', async () => {
    const response = okResponse(
      await exchange((_req, res) => {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        res.writeHead(204, { 'x-final': 'yes' }).end();
      }),
    );
    assert.deepEqual([response.status, response.headers['x-final'], response.headers.link], [204, 'yes', undefined]);
  });

  it('keeps a body of exactly the limit whole, and cuts a longer one at the limit', async () => {
    const exact = okResponse(await exchange((_req, res) => res.writeHead(200).end('x'.repeat(RESPONSE_BODY_LIMIT))));
    assert.deepEqual([exact.body.length, exact.truncated], [RESPONSE_BODY_LIMIT, false]);
    // Written in pieces, the limit falls inside a chunk; the rest is never waited for.
    const cut = okResponse(
      await exchange((_req, res) => {
        res.writeHead(200);
        for (let i = 0; i < 40; i++) res.write('y'.repeat(4_000));
      }),
    );
    assert.deepEqual([cut.body.length, cut.body, cut.truncated], [RESPONSE_BODY_LIMIT, 'y'.repeat(RESPONSE_BODY_LIMIT), true]);
    // A multi-byte character split by the cut becomes one replacement character.
    const split = okResponse(await exchange((_req, res) => res.writeHead(200).end(`${'z'.repeat(RESPONSE_BODY_LIMIT - 1)}é and more`)));
    assert.deepEqual([split.body, split.truncated], [`${'z'.repeat(RESPONSE_BODY_LIMIT - 1)}\ufffd`, true]);
  });

  it('cuts a long body that comes whole with "connection: close", and the sender keeps working', async () => {
    const big = Buffer.from('w'.repeat(RESPONSE_BODY_LIMIT + 10_000));
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(200, { connection: 'close', 'content-length': big.length });
      res.end(big);
    });
    const sender = loopbackSender();
    try {
      for (let i = 0; i < 3; i++) {
        const response = okResponse(await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: never() }));
        assert.deepEqual([response.body.length, response.truncated], [RESPONSE_BODY_LIMIT, true]);
      }
      receiver.behave((_req, res) => res.writeHead(200).end('ok'));
      assert.equal(okResponse(await sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: never() })).body, 'ok');
    } finally {
      await sender.close();
      await receiver.close();
    }
  });

  it('waits for a body that arrives slowly, in pieces', async () => {
    const response = okResponse(
      await exchange((_req, res) => {
        res.writeHead(200);
        let piece = 0;
        const next = () => {
          if (piece === 4) return void res.end('end');
          res.write(`piece${piece++} `);
          setTimeout(next, 30);
        };
        next();
      }),
    );
    assert.deepEqual([response.body, response.truncated], ['piece0 piece1 piece2 piece3 end', false]);
  });

  it('times out a response whose body stops coming, as a timeout the classifier recognises', async () => {
    const result = await exchange((_req, res) => {
      res.writeHead(200);
      res.write('a start');
    }, 300);
    assert.deepEqual([result.ok, !result.ok && result.timedOut, !result.ok && result.interrupted], [false, true, false]);
    assert.equal(!result.ok && classifyError(result.error, result.timedOut).category, 'timeout');
    assert.equal(!result.ok && (result.error as Error).name, 'TimeoutError');
  });

  it('cuts off a request whose body is still coming when the worker stops', async () => {
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_req, res) => {
      held.push(res);
      res.writeHead(200);
      res.write('partial');
    });
    const sender = loopbackSender();
    const stopping = new AbortController();
    try {
      const sending = sender.send({ url: receiver.url(), headers: {}, body: '{}', signal: stopping.signal });
      await receiver.waitFor(1);
      // Let the head and first chunk reach the sender before stopping.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reason = new Error('worker stopping');
      stopping.abort(reason);
      const result = await sending;
      assert.deepEqual([result.ok, !result.ok && result.interrupted, !result.ok && result.timedOut, !result.ok && result.error], [false, true, false, reason]);
    } finally {
      for (const res of held) res.destroy();
      await sender.close();
      await receiver.close();
    }
  });

  it('applies a timeout or a worker stop that comes while the connection is still being made', async () => {
    // Never answers: the timeout must end the first exchange even if it fires after the dial.
    const answers: ServerResponse[] = [];
    const receiver = await startReceiver((_req, res) => answers.push(res));
    // Dials only when released, so the abort lands before undici has started the request.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let dials = 0;
    const held: ConnectorFactory = (lookup, timeout) => {
      const connect = defaultConnector(lookup, timeout);
      return (opts, callback) => {
        dials++;
        void released.then(() => connect(opts, callback));
      };
    };
    const timing = loopbackSender(100, held);
    const stopping = new AbortController();
    const stopped = loopbackSender(5_000, held);
    try {
      const timingOut = timing.send({ url: receiver.url(), headers: {}, body: '{}', signal: never() });
      const interrupted = stopped.send({ url: receiver.url(), headers: {}, body: '{}', signal: stopping.signal });
      await new Promise((resolve) => setTimeout(resolve, 300));
      stopping.abort(new Error('worker stopping'));
      assert.equal(dials, 2);
      release();
      const [timedOut, stop] = await Promise.all([timingOut, interrupted]);
      assert.deepEqual([timedOut.ok, !timedOut.ok && timedOut.timedOut, !timedOut.ok && timedOut.interrupted], [false, true, false]);
      assert.deepEqual([stop.ok, !stop.ok && stop.interrupted, !stop.ok && stop.timedOut], [false, true, false]);
    } finally {
      release();
      for (const res of answers) res.destroy();
      await timing.close();
      await stopped.close();
      await receiver.close();
    }
  });

  it('reports a refused connection as an error the classifier reads as "connect"', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sender = loopbackSender();
    try {
      const result = await sender.send({ url: `http://127.0.0.1:${port}/hook`, headers: {}, body: '{}', signal: never() });
      assert.deepEqual([result.ok, !result.ok && result.timedOut, !result.ok && result.interrupted], [false, false, false]);
      assert.equal(!result.ok && classifyError(result.error, false).category, 'connect');
    } finally {
      await sender.close();
    }
  });

  it('returns the BlockedAddressError for a refused literal host without dialling', async () => {
    const dialled: string[] = [];
    const recording: ConnectorFactory = (lookup, timeout) => {
      const connect = defaultConnector(lookup, timeout);
      return (opts, callback) => {
        dialled.push(String(opts.hostname));
        connect(opts, callback);
      };
    };
    const sender = createSender({ policy: createAddressPolicy([]), resolver: systemResolver, connectTimeoutMs: 1_000, timeoutMs: 1_000, connectionsPerOrigin: null, connector: recording });
    try {
      const result = await sender.send({ url: 'http://127.0.0.1:9/hook', headers: {}, body: '{}', signal: never() });
      assert.deepEqual([result.ok, !result.ok && result.error instanceof BlockedAddressError, !result.ok && result.timedOut, !result.ok && result.interrupted], [false, true, false, false]);
      assert.deepEqual(dialled, []);
    } finally {
      await sender.close();
    }
  });

  it('rejects a URL that does not parse, as before', async () => {
    const sender = loopbackSender();
    try {
      await assert.rejects(sender.send({ url: 'not a url', headers: {}, body: '{}', signal: never() }), TypeError);
    } finally {
      await sender.close();
    }
  });
});
