// The webhook receiver every benchmark posts to: a separate process (so it never competes with the
// sender's event loop) with a plain node:http server on 127.0.0.1.
//   POST /ok/<n>    answers 200 at once
//   POST /hang/<n>  never answers; the sender's timeout ends the request
// It counts arrivals per path group and, when asked, records each first arrival by `webhook-id`
// with the lead `_id` from the body, so the driver can compute activity → receiver latency.
// It listens on several ports (BENCH_RECEIVER_PORTS); all share the counters.
// Control is over IPC (see lib/receiver-handle.ts for the protocol).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ReceiverReply, ReceiverRequest, ReceiverStats } from './lib/receiver-protocol.ts';

const now = () => performance.timeOrigin + performance.now();

let stats = emptyStats();
/** webhook-id → [arrival time, lead id]; filled only while `record` is on. */
let arrivals = new Map<string, [number, string]>();
let record = false;

function emptyStats(): ReceiverStats {
  return { ok: 0, hang: 0, other: 0, duplicates: 0, bytes: 0, firstAt: 0, lastOkAt: 0, okByPath: {}, lastOkAtByPath: {}, okBySenderPort: {} };
}

/** One port per webhook, so that every webhook is its own origin, as distinct endpoints are. */
const PORTS = Number(process.env.BENCH_RECEIVER_PORTS ?? 8);

const handler: http.RequestListener = (req, res) => {
  const url = req.url ?? '';
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = now();
    if (stats.firstAt === 0) stats.firstAt = at;
    const body = Buffer.concat(chunks);
    stats.bytes += body.length;
    if (url.startsWith('/hang/')) {
      stats.hang += 1;
      // Keep the socket until the sender gives up; that is the point of this path.
      return;
    }
    if (!url.startsWith('/ok/')) {
      stats.other += 1;
      res.writeHead(404).end();
      return;
    }
    stats.ok += 1;
    stats.lastOkAt = at;
    stats.okByPath[url] = (stats.okByPath[url] ?? 0) + 1;
    stats.lastOkAtByPath[url] = at;
    const port = req.socket.remotePort ?? 0;
    stats.okBySenderPort[port] = (stats.okBySenderPort[port] ?? 0) + 1;
    if (record) noteArrival(url, req.headers['webhook-id'], body, at);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
};

function listen(): Promise<number> {
  const server = http.createServer(handler);
  // Hanging requests must not be cut by node's own request timeout before the sender's timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Keyed by path and webhook-id: one activity fanned out to several webhooks is not a duplicate. */
function noteArrival(url: string, header: string | string[] | undefined, body: Buffer, at: number): void {
  const id = typeof header === 'string' ? `${url} ${header}` : undefined;
  if (id === undefined) return;
  if (arrivals.has(id)) {
    stats.duplicates += 1;
    return;
  }
  let leadId = '';
  try {
    leadId = (JSON.parse(body.toString('utf8')) as { lead?: { _id?: string } }).lead?._id ?? '';
  } catch {
    // not a ClinchPad body: keep the arrival without a lead id
  }
  arrivals.set(id, [at, leadId]);
}

function reply(message: ReceiverReply): void {
  process.send?.(message);
}

process.on('message', (message: ReceiverRequest) => {
  switch (message.type) {
    case 'reset':
      stats = emptyStats();
      arrivals = new Map();
      record = message.record;
      reply({ id: message.id, type: 'done' });
      break;
    case 'stats':
      reply({ id: message.id, type: 'stats', stats });
      break;
    case 'arrivals':
      reply({ id: message.id, type: 'arrivals', arrivals: [...arrivals].map(([id, [at, leadId]]) => [id, at, leadId]) });
      break;
  }
});

// The bench process owns this one; if it goes away, so do we.
process.on('disconnect', () => process.exit(0));

const ports: number[] = [];
for (let i = 0; i < PORTS; i++) ports.push(await listen());
reply({ id: 0, type: 'listening', ports });
