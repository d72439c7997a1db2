// A real HTTP receiver on 127.0.0.1 for webhook tests: records every request (raw body bytes as
// text) and answers with a programmable behaviour.
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

export interface Receiver {
  url(path?: string): string;
  requests: ReceivedRequest[];
  /** Sets how the receiver answers from now on (default: 200 "ok"). */
  behave(behaviour: Behaviour): void;
  /** Resolves when at least `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    behave: (next) => {
      current = next;
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${requests.length} requests, expected ${count}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
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
