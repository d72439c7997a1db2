// `node --import tsx bench/diagnose-sqlite.ts [activities]`: runs leadhook (serve: API + worker) in
// this process on a fresh SQLite file, creates activities fanned out to 5 webhooks on the bench
// receiver, and prints the SQL statements that took the most time (better-sqlite3's statements are
// timed by wrapping Database#prepare). A diagnostic for docs/BENCHMARKS.md, not part of `npm run bench`.
import SqliteDatabase from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { serve } from '../src/main.ts';
import { createAccount } from './leadhook/deployment.ts';
import { createBenchDatabase } from './lib/databases.ts';
import { Receiver } from './lib/receiver-handle.ts';
import { ApiClient } from './leadhook/api-client.ts';
import { createLeadsClosedLoop } from './leadhook/driver.ts';
import { installExitHandlers, cleanUp } from './lib/processes.ts';
installExitHandlers();
const stats = new Map<string, [number, number]>();
const proto = (SqliteDatabase as any).prototype;
const origPrepare = proto.prepare;
proto.prepare = function (sql: string) {
  const stmt = origPrepare.call(this, sql);
  for (const m of ['all', 'get', 'run', 'iterate']) {
    const f = stmt[m];
    if (typeof f !== 'function') continue;
    stmt[m] = function (...args: unknown[]) {
      const t = performance.now();
      try { return f.apply(this, args); } finally {
        const e = stats.get(sql) ?? [0, 0]; e[0]++; e[1] += performance.now() - t; stats.set(sql, e);
      }
    };
  }
  return stmt;
};
const r = await Receiver.start();
const bdb = await createBenchDatabase('sqlite');
const { apiKey } = await createAccount(bdb);
const config = loadConfig({ ...process.env, LEADHOOK_DATA_DIR: bdb.dataDir, LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', LEADHOOK_API_RATE_LIMIT: '0', LOG_LEVEL: 'warn' }, { port: 0 });
const server = await serve(config, { api: true, worker: true });
const api = new ApiClient(server.url!, apiKey);
const p = await api.firstPipelineId();
for (let i = 0; i < 5; i++) await api.createWebhook(r.urlFor('/ok/' + i));
await r.reset();
const t0 = performance.now();
const activities = Number(process.argv[2] ?? 400);
await createLeadsClosedLoop(api, p, activities, 16, Date.now() + 120_000);
console.log('api', (performance.now() - t0) / 1000, 's');
await r.waitForOk(activities * 5, Date.now() + 120_000, 'all deliveries');
console.log('all', (performance.now() - t0) / 1000, 's');
const top = [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 10);
for (const [sql, [n, ms]] of top) console.log(ms.toFixed(0).padStart(6), 'ms', String(n).padStart(6), 'x', sql.slice(0, 300));
await api.close(); await server.stop(); await r.stop(); await bdb.drop(); await cleanUp();
process.exit(0);
