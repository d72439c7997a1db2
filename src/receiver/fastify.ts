// A Fastify plugin that adds one POST route with its own raw-body parser: the parser is scoped to
// the plugin (Fastify encapsulation), so the rest of your app keeps parsing JSON as before.
import { createReceive, DEFAULT_MAX_BODY_BYTES, type EventHandler, type ReceiverOptions } from './receive.ts';

/** The parts of a Fastify instance the plugin uses (no dependency on the fastify package). */
export interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (req: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(
    path: string,
    handler: (
      request: { headers: Record<string, string | string[] | undefined>; body: unknown },
      reply: { code(status: number): { header(name: string, value: string): { send(body: string): unknown } } },
    ) => Promise<unknown>,
  ): unknown;
}

export interface FastifyReceiverOptions extends ReceiverOptions {
  /** The route's path (default `/`; combine with the `prefix` option of `register`). */
  path?: string;
  onEvent: EventHandler;
}

/** `await app.register(fastifyReceiver, { path: '/hooks/leadhook', secret, onEvent })` */
export async function fastifyReceiver(instance: FastifyLike, options: FastifyReceiverOptions): Promise<void> {
  const receive = createReceive(options, options.onEvent);
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  instance.post(options.path ?? '/', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await receive(request.headers, body);
    return reply.code(answer.status).header('content-type', 'application/json').send(answer.body);
  });
}
