// A `node:http` request listener: reads the raw body (bounded), then verifies and dispatches.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReceive, DEFAULT_MAX_BODY_BYTES, type EventHandler, type ReceiverAnswer, type ReceiverOptions } from './receive.ts';

/** Reads a request body up to `limit` bytes; undefined when it is larger (the rest is not read). */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function writeAnswer(res: ServerResponse, answer: ReceiverAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
}

const TOO_LARGE: ReceiverAnswer = { status: 413, body: '{"error":"body_too_large"}' };

/** `http.createServer(createNodeHandler({ secret }, (event) => …))` */
export function createNodeHandler(options: ReceiverOptions, handler: EventHandler): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const receive = createReceive(options, handler);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res) => {
    if (req.method !== 'POST') return writeAnswer(res, { status: 405, body: '{"error":"method_not_allowed"}' });
    const body = await readRawBody(req, limit);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return writeAnswer(res, TOO_LARGE);
    }
    writeAnswer(res, await receive(req.headers, body));
  };
}
