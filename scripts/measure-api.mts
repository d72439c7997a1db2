// Measures the CPU cost of API writes in-process (app.inject), which stays meaningful on a busy
// machine where wall-clock rates do not: `node --import tsx scripts/measure-api.mts [n] [webhooks]`.
// With `webhooks` > 0 each write fans out to that many webhooks (pointing at a closed loopback port;
// no worker runs here, so nothing is sent), as in the bench's throughput scenario.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createAccount } from '../src/accounts/accounts.service.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { createApp } from '../src/http/app.ts';

// Round trips to PostgreSQL: every statement a pooled client sends (BEGIN and COMMIT included).
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  roundTrips++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
const perCall = () => (process.env.DATABASE_URL ? `, ${(roundTrips / n).toFixed(1)} round trips` : '');

const n = Number(process.argv[2] ?? 3000);
const webhooks = Number(process.argv[3] ?? 0);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-measure-'));
const ctx = await createContext(loadConfig({ LEADHOOK_DATA_DIR: dataDir, LOG_LEVEL: 'silent', LEADHOOK_API_RATE_LIMIT: '0', LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', DATABASE_URL: process.env.DATABASE_URL ?? '' }));
ctx.database.checkpointInBackground(); // as `serve` does
const app = await createApp(ctx);
const { apiKey } = await createAccount(ctx.db, { name: 'M', owner: { name: 'M', email: `m${Date.now()}@x.io` } }, new Date());
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
for (let i = 0; i < webhooks; i++) {
  const answer = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: JSON.stringify({ url: `http://127.0.0.1:9/hook${i}` }) });
  if (answer.statusCode !== 201) throw new Error(`webhook: ${answer.statusCode} ${answer.body}`);
}
const pipe = JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/pipelines', headers })).body)[0];
const post = (i: number) => app.inject({ method: 'POST', url: '/api/v1/leads', headers, payload: JSON.stringify({ name: `L${i}`, pipeline_id: pipe._id }) });
for (let i = 0; i < 300; i++) await post(i); // warm up
const ids: string[] = [];
// Process CPU (all threads) and the main thread's busy time (what limits the API's rate).
const busy = () => performance.eventLoopUtilization().active * 1000;
let cpu = process.cpuUsage();
let main = busy();
roundTrips = 0;
for (let i = 0; i < n; i++) ids.push(JSON.parse((await post(i)).body)._id);
cpu = process.cpuUsage(cpu);
main = busy() - main;
console.log(`POST /leads: ${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU per call, main thread busy ${(main / n).toFixed(0)} µs${perCall()}`);
cpu = process.cpuUsage();
roundTrips = 0;
for (let i = 0; i < n; i++) await app.inject({ method: 'PUT', url: `/api/v1/leads/${ids[i]}`, headers, payload: JSON.stringify({ size: i + 1 }) });
cpu = process.cpuUsage(cpu);
console.log(`PUT /leads/:id: ${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU per call${perCall()}`);
await app.close();
await ctx.close();
fs.rmSync(dataDir, { recursive: true, force: true });
