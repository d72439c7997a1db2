// `npm run bench [-- --quick] [-- --only name,name]`: leadhook against the physical limit (plain
// undici POSTs) and the usual alternative (BullMQ + Redis + undici), on one machine, in one run.
// Prints a table with the docs/SPEC.md §8 targets beside the figures and writes
// bench/results/latest.json. Every scenario has a hard deadline; a scenario that fails or times
// out shows "n/a" with the reason, and the others still run.
import fs from 'node:fs';
import path from 'node:path';
import { bullmqThroughput } from './baseline/bullmq-throughput.ts';
import { now } from './lib/deadline.ts';
import { describeMachine } from './lib/machine.ts';
import { cleanUp, installExitHandlers, ROOT } from './lib/processes.ts';
import { Receiver } from './lib/receiver-handle.ts';
import { buildRows, type Measurements } from './report.ts';
import { markdownTable, textTable } from './lib/table.ts';
import { backlogDrain } from './scenarios/backlog.ts';
import { bullmqIsolation, leadhookIsolation } from './scenarios/isolation.ts';
import { leadhookLatency } from './scenarios/leadhook-latency.ts';
import { leadhookThroughput } from './scenarios/leadhook-throughput.ts';
import { limitThroughput } from './scenarios/limit.ts';
import { leadhookOrdering } from './scenarios/ordering.ts';
import { FULL, QUICK, type Sizes } from './sizes.ts';

type Scenario = (receiver: Receiver, sizes: Sizes, deadline: number) => Promise<unknown>;

/** Run in this order: the yardsticks first, then leadhook. Keys name the measurements. */
const SCENARIOS: Record<keyof Measurements, Scenario> = {
  limit: (r, s, d) => limitThroughput(r, s.throughputActivities, d),
  baseline: (r, s, d) => bullmqThroughput(r, s.throughputActivities, d),
  throughputSqlite: (r, s, d) => leadhookThroughput('sqlite', r, s.throughputActivities, d),
  throughputPostgres: (r, s, d) => leadhookThroughput('postgres', r, s.throughputActivities, d),
  latencySqlite: (r, s, d) => leadhookLatency('sqlite', r, s.latencySeconds, d),
  latencyPostgres: (r, s, d) => leadhookLatency('postgres', r, s.latencySeconds, d),
  isolationSqlite: (r, s, d) => leadhookIsolation('sqlite', r, s.isolationActivities, d),
  isolationPostgres: (r, s, d) => leadhookIsolation('postgres', r, s.isolationActivities, d),
  isolationBaseline: (r, s, d) => bullmqIsolation(r, s.isolationActivities, d),
  backlogSqlite: (r, s, d) => backlogDrain('sqlite', r, s.backlogDeliveries, 1, d),
  postgresOneWorker: (r, s, d) => backlogDrain('postgres', r, s.workerScalingDeliveries, 1, d),
  postgresTwoWorkers: (r, s, d) => backlogDrain('postgres', r, s.workerScalingDeliveries, 2, d),
  postgresFourWorkers: (r, s, d) => backlogDrain('postgres', r, s.workerScalingDeliveries, 4, d),
  orderedSqlite: (r, s, d) => leadhookOrdering('sqlite', r, s.orderedActivities, d),
  orderedPostgres: (r, s, d) => leadhookOrdering('postgres', r, s.orderedActivities, d),
};

function parseArgs(argv: string[]): { sizes: Sizes; only: string[] | undefined } {
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : undefined;
  for (const name of only ?? []) {
    if (!(name in SCENARIOS)) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  }
  return { sizes: argv.includes('--quick') ? QUICK : FULL, only };
}

async function main(): Promise<void> {
  installExitHandlers();
  const { sizes, only } = parseArgs(process.argv.slice(2));
  const machine = await describeMachine();
  console.log(`leadhook bench (${sizes.name}) on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ` +
    `Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}, SQLite ${machine.sqlite}`);
  const started = now();
  const receiver = await Receiver.start();
  const measurements: Partial<Measurements> = {};
  const errors: Record<string, string> = {};
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS) as Array<[keyof Measurements, Scenario]>) {
      if (only && !only.includes(name)) continue;
      const t0 = now();
      process.stdout.write(`  ${name} … `);
      try {
        (measurements as Record<string, unknown>)[name] = await scenario(receiver, sizes, now() + sizes.scenarioDeadlineS * 1000);
        console.log(`done in ${((now() - t0) / 1000).toFixed(1)} s`);
      } catch (error) {
        errors[name] = (error as Error).message;
        console.log(`FAILED in ${((now() - t0) / 1000).toFixed(1)} s: ${errors[name]}`);
      }
    }
  } finally {
    await receiver.stop();
    await cleanUp();
  }
  const rows = buildRows(measurements, errors, sizes);
  const seconds = (now() - started) / 1000;
  console.log(`\n${textTable(rows)}\n\n(${sizes.name} run, ${seconds.toFixed(0)} s in all)`);
  const out = path.join(ROOT, 'bench/results/latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const result = { at: new Date().toISOString(), run: sizes.name, seconds, machine, sizes, measurements, errors, rows, markdown: markdownTable(rows) };
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  },
);
