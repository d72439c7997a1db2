// An Express route handler. It needs the raw bytes: mount it without a JSON body parser before it
// (it reads the stream itself), or after `express.raw({ type: 'application/json' })`. A body that
// was already parsed to an object cannot be verified, and is answered 500 with a hint.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRawBody, writeAnswer } from './node.ts';
import { createReceive, DEFAULT_MAX_BODY_BYTES, type EventHandler, type ReceiverOptions } from './receive.ts';

/** The parts of Express's request the handler uses (no dependency on the express package). */
type ExpressLikeRequest = IncomingMessage & { body?: unknown };

/** `app.post('/hooks/leadhook', createExpressHandler({ secret }, (event) => …))` */
export function createExpressHandler(
  options: ReceiverOptions,
  handler: EventHandler,
): (req: ExpressLikeRequest, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void> {
  const receive = createReceive(options, handler);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res, next) => {
    try {
      let body: Uint8Array | string | undefined;
      if (Buffer.isBuffer(req.body) || typeof req.body === 'string') body = req.body;
      else if (req.body !== undefined && req.body !== null && Object.keys(req.body).length > 0) {
        return writeAnswer(res, { status: 500, body: '{"error":"body_already_parsed","message":"mount express.raw() or no body parser before this handler"}' });
      } else body = await readRawBody(req, limit);
      if (body === undefined || body.length > limit) return writeAnswer(res, { status: 413, body: '{"error":"body_too_large"}' });
      writeAnswer(res, await receive(req.headers, body));
    } catch (error) {
      if (next) next(error);
      else throw error;
    }
  };
}
