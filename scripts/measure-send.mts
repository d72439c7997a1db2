// CPU per outbound webhook POST of the sender alone: a node:http receiver runs in a child process on
// 127.0.0.1 (so its work is not counted), the sender sends N POSTs (~700-byte JSON body, the headers a
// delivery carries) with a fixed number in flight after a warm-up, and this process's CPU time
// (process.cpuUsage) and event-loop busy time (performance.eventLoopUtilization) are divided by N.
//
//   node --import tsx scripts/measure-send.mts [--sender path/to/send-request.ts] [--requests 20000] [--in-flight 64]
//
// --sender lets an older copy be measured against this one (e.g. /work/main/src/delivery/send-request.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createAddressPolicy, systemResolver } from '../src/delivery/address-guard.ts';
import type * as SendRequest from '../src/delivery/send-request.ts';

const { values } = parseArgs({
  options: {
    sender: { type: 'string', default: path.join(import.meta.dirname, '../src/delivery/send-request.ts') },
    requests: { type: 'string', default: '20000' },
    'in-flight': { type: 'string', default: '64' },
    warmup: { type: 'string', default: '4000' },
  },
});
const requests = Number(values.requests);
const inFlight = Number(values['in-flight']);
const warmup = Number(values.warmup);
const { createSender } = (await import(pathToFileURL(path.resolve(values.sender)).href)) as typeof SendRequest;

// The receiver: reads the body, answers 200 with a small JSON body.
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
});

const sender = createSender({
  policy: createAddressPolicy(['loopback']),
  resolver: systemResolver,
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  connectionsPerOrigin: null,
});
const url = `http://127.0.0.1:${port}/hooks/measure`;
const payload = JSON.stringify({
  type: 'lead.created',
  timestamp: '2026-11-30T18:00:00.000Z',
  data: {
    id: 'lead_01JD3Q8Z5X7K9M2N4P6R8T0V2W',
    form: 'contact-us',
    fields: {
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      company: 'Analytical Engines Ltd',
      phone: '+44 20 7946 0000',
      message: 'We would like a demo of the product for our team of twelve. '.repeat(6),
    },
    source: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'autumn' },
  },
});
const headers = {
  'content-type': 'application/json',
  'user-agent': 'leadhook/measure',
  'webhook-id': 'msg_01JD3Q8Z5X7K9M2N4P6R8T0V2W',
  'webhook-timestamp': '1796061600',
  'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
};
const signal = new AbortController().signal;

let failures = 0;
async function run(count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      const result = await sender.send({ url, headers, body: payload, signal });
      if (!result.ok || result.response.status !== 200 || result.response.body !== '{"received":true}') failures++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

await run(warmup);
const cpu = process.cpuUsage();
const elu = performance.eventLoopUtilization();
const started = performance.now();
await run(requests);
const cpuUsed = process.cpuUsage(cpu);
const eluUsed = performance.eventLoopUtilization(elu);
const wallMs = performance.now() - started;
await sender.close();
child.kill();

const perRequest = (micros: number) => (micros / requests).toFixed(1);
console.log(
  JSON.stringify({
    sender: path.relative(process.cwd(), path.resolve(values.sender)) || values.sender,
    requests,
    inFlight,
    failures,
    cpuUsPerRequest: perRequest(cpuUsed.user + cpuUsed.system),
    userUsPerRequest: perRequest(cpuUsed.user),
    systemUsPerRequest: perRequest(cpuUsed.system),
    loopBusyUsPerRequest: perRequest(eluUsed.active * 1000),
    wallMs: Math.round(wallMs),
  }),
);
if (failures > 0) process.exitCode = 1;
