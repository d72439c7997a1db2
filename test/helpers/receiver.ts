// A real HTTP receiver on 127.0.0.1 for webhook tests: records every request (raw body bytes as
// text) and answers with a programmable behaviour.
import { after } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Answers one request; may write anything (or nothing) to `res`. */
export type Behaviour = (req: ReceivedRequest, res: http.ServerResponse) => void;

export const ok: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
};

/** Answers with the status set for the request's path (200 when none is set); the map may change. */
export function statusByPath(statuses: Map<string, number>): Behaviour {
  return (req, res) => {
    const status = statuses.get(req.path) ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ received: status < 300 }));
  };
}

export interface Receiver {
  url(path?: string): string;
  requests: ReceivedRequest[];
  /** Sets how the receiver answers from now on (default: 200 "ok"). */
  behave(behaviour: Behaviour): void;
  /** Resolves when at least `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the first request that matches, once it has arrived. */
  waitForRequest(predicate: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = ok): Promise<Receiver> {
  let current = behaviour;
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      for (const wake of waiters.splice(0)) wake();
      current(received, res);
    });
  });
  /** Re-checks `done` whenever a request arrives (and every 50 ms) until it holds or time runs out. */
  async function until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`receiver: ${failure()} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    behave: (next) => {
      current = next;
    },
    async waitFor(count, timeoutMs = 20_000) {
      await until(() => requests.length >= count, timeoutMs, () => `receiver got ${requests.length} requests, expected ${count}`);
    },
    async waitForRequest(predicate, timeoutMs = 20_000) {
      let found: ReceivedRequest | undefined;
      await until(() => (found = requests.find(predicate)) !== undefined, timeoutMs, () => `no matching request among ${requests.length}`);
      return found!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Verifies a request with the standardwebhooks package as a receiver would, at the time the
 * request was sent (the tests' clock is not the wall clock; verify() checks a 5-minute tolerance).
 */
export function verifySignature(secret: string, req: ReceivedRequest): unknown {
  const sentAt = Number(req.headers['webhook-timestamp']) * 1000;
  const realNow = Date.now;
  Date.now = () => sentAt;
  try {
    return new Webhook(secret).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    });
  } finally {
    Date.now = realNow;
  }
}

/**
 * For a describe block: `fresh()` closes the previous receiver and starts a new one, so retries left
 * over from an earlier test hit a closed port, not this test's receiver; the last is closed after.
 */
export function useFreshReceiver(): () => Promise<Receiver> {
  let receiver: Receiver | undefined;
  after(async () => {
    await receiver?.close();
  });
  return async () => {
    await receiver?.close();
    receiver = await startReceiver();
    return receiver;
  };
}
