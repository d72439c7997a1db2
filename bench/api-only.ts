// `node --import tsx bench/api-only.ts [worker|noworker] [count] [sqlite|postgres] [leads|notes] [webhooks]`:
// the API write path on its own. One `serve` (`--no-worker` unless `worker`) on a fresh database with
// 5 webhooks (or `webhooks`; the latency scenario has 1) on the bench receiver; 300 leads as warm-up, then `count` (3,000 by default) activities
// by 32 callers: new leads through `POST /leads`, or notes on the warm-up's leads, round robin.
// Prints activities/s (as `leadsPerSecond`, the name earlier figures used), the CPU of serve's main
// (API) thread and of the whole process per activity, the PostgreSQL server's CPU per activity, and
// what serve wrote per activity (KB, from /proc/<pid>/io `wchar`: files and sockets). A diagnostic for docs/BENCHMARKS.md's before/after
// pairs, not part of `npm run bench`.
import fs from 'node:fs';
import { cpuSince, cpuTimes, postgresServerPids, sampleCpu } from './lib/cpu.ts';
import { now } from './lib/deadline.ts';
import type { Dialect } from './lib/databases.ts';
import { installExitHandlers } from './lib/processes.ts';
import { Receiver } from './lib/receiver-handle.ts';
import { createLeadsClosedLoop, createNotesClosedLoop } from './leadhook/driver.ts';
import { okPaths, openSession } from './leadhook/session.ts';
import { FAN_OUT } from './sizes.ts';

const CALLERS = 32;
const WARM_UP = 300;

installExitHandlers();
const worker = process.argv[2] === 'worker';
const count = Number(process.argv[3] ?? 3_000);
const dialect: Dialect = process.argv[4] === 'sqlite' ? 'sqlite' : 'postgres';
const kind = process.argv[5] === 'notes' ? 'notes' : 'leads';
const webhooks = Number(process.argv[6] ?? FAN_OUT);

const written = (pid: number) => Number(/^wchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);

const receiver = await Receiver.start();
const session = await openSession(dialect, receiver, okPaths(webhooks), { worker });
try {
  await createLeadsClosedLoop(session.api, session.pipelineId, WARM_UP, CALLERS, now() + 60_000);
  const leadIds = kind === 'notes' ? (await session.api.call<Array<{ _id: string }>>('GET', `/leads?size=${WARM_UP}`)).map((l) => l._id) : [];
  const run = (count: number) =>
    kind === 'notes' ? createNotesClosedLoop(session.api, leadIds, count, CALLERS, now() + 120_000) : createLeadsClosedLoop(session.api, session.pipelineId, count, CALLERS, now() + 120_000);
  const pid = session.server.pid;
  const writtenBefore = written(pid);
  const cpuBefore = cpuTimes(pid);
  const database = dialect === 'postgres' ? sampleCpu(postgresServerPids, 250) : undefined;
  const started = now();
  const created = await run(count);
  const ended = now();
  const cpu = cpuSince(pid, cpuBefore);
  database?.stop();
  const perLead = (total: number) => Math.round(total / Math.max(1, created));
  console.log(
    JSON.stringify({
      dialect,
      kind,
      worker,
      webhooks,
      leads: created,
      leadsPerSecond: Math.round(created / ((ended - started) / 1000)),
      apiThreadUsPerLead: perLead(cpu.mainThreadMs * 1000),
      processUsPerLead: perLead(cpu.processMs * 1000),
      postgresUsPerLead: database ? perLead((database.secondsAt(ended) - database.secondsAt(started)) * 1e6) : null,
      writtenKBPerLead: perLead((written(pid) - writtenBefore) / 1024),
    }),
  );
} finally {
  await session.close();
  await receiver.stop();
}
