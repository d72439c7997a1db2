// Loopback receivers built with the kit's three handlers, for tests that send real deliveries.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { createExpressHandler } from '../../src/receiver/express.ts';
import { fastifyReceiver } from '../../src/receiver/fastify.ts';
import { createNodeHandler } from '../../src/receiver/node.ts';
import type { EventHandler, ReceiverOptions } from '../../src/receiver/receive.ts';

export type Framework = 'node:http' | 'express' | 'fastify';
export const FRAMEWORKS: Framework[] = ['node:http', 'express', 'fastify'];

export interface KitServer {
  url: string;
  /** A JSON route beside the receiver, to show the raw-body handling does not leak into the app. */
  jsonUrl: string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startKitServer(framework: Framework, options: ReceiverOptions, onEvent: EventHandler): Promise<KitServer> {
  if (framework === 'node:http') {
    const handler = createNodeHandler(options, onEvent);
    const server = http.createServer((req, res) => {
      if (req.url === '/hook') return void handler(req, res);
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: JSON.parse(text) })));
    });
    const base = await listen(server);
    return { url: `${base}/hook`, jsonUrl: `${base}/json`, close: () => closeServer(server) };
  }
  if (framework === 'express') {
    const app = express();
    app.post('/hook', createExpressHandler(options, onEvent));
    app.post('/json', express.json(), (req, res) => {
      res.json({ echo: req.body });
    });
    const server = http.createServer(app);
    const base = await listen(server);
    return { url: `${base}/hook`, jsonUrl: `${base}/json`, close: () => closeServer(server) };
  }
  const app = Fastify();
  await app.register(fastifyReceiver, { ...options, path: '/hook', onEvent });
  app.post('/json', async (request) => ({ echo: request.body }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${base}/hook`, jsonUrl: `${base}/json`, close: () => app.close() };
}
