// Turns the measurements into table rows, each figure beside its target (the speed issue's targets,
// docs/BENCHMARKS.md "Targets"; they tightened docs/SPEC.md §8's).
import { judged, row, type ResultRow } from './lib/results.ts';
import { formatNumber } from './lib/table.ts';
import type { BacklogResult } from './scenarios/backlog.ts';
import type { IsolationResult } from './scenarios/isolation.ts';
import type { LatencyResult } from './scenarios/leadhook-latency.ts';
import { DRIVER_CONCURRENCY, type LeadhookThroughput } from './scenarios/leadhook-throughput.ts';
import type { ThroughputResult } from './scenarios/limit.ts';
import type { OrderedRun, OrderingResult } from './scenarios/ordering.ts';
import { BENCH_DELIVERY_TIMEOUT_MS, CONCURRENCY, FAN_OUT, ISOLATION_HANGING, ISOLATION_WEBHOOKS, LATENCY_RATE, LATENCY_WARM_UP_S, ORDERED_LEADS, type Sizes } from './sizes.ts';

export interface Measurements {
  limit: ThroughputResult;
  baseline: ThroughputResult;
  throughputSqlite: LeadhookThroughput;
  throughputPostgres: LeadhookThroughput;
  latencySqlite: LatencyResult;
  latencyPostgres: LatencyResult;
  isolationSqlite: IsolationResult;
  isolationPostgres: IsolationResult;
  isolationBaseline: IsolationResult;
  backlogSqlite: BacklogResult;
  postgresOneWorker: BacklogResult;
  postgresTwoWorkers: BacklogResult;
  postgresFourWorkers: BacklogResult;
  orderedSqlite: OrderingResult;
  orderedPostgres: OrderingResult;
}

const x = (value: number) => `${formatNumber(value)}×`;

/** How far a worker's share may be from the fair 1/n, as a fraction of 1/n. */
const SHARE_TOLERANCE = 0.25;

const shareOf = (b: BacklogResult) => {
  const total = b.perProcess.reduce((sum, n) => sum + n, 0) + b.unattributed;
  return b.perProcess.map((n) => n / Math.max(1, total));
};

/** Every worker within ±SHARE_TOLERANCE of 1/n, with (almost) every delivery attributed. */
function evenShares(b: BacklogResult): boolean {
  const fair = 1 / b.perProcess.length;
  return b.unattributed <= 0.01 * (b.delivered + b.count / 10) && shareOf(b).every((share) => Math.abs(share - fair) <= SHARE_TOLERANCE * fair);
}

const shareNote = (b: BacklogResult) =>
  `shares ${shareOf(b).map((share) => `${formatNumber(share * 100)} %`).join(' / ')}` + (b.unattributed > 0 ? ` (${formatNumber(b.unattributed)} unattributed)` : '');

export function buildRows(m: Partial<Measurements>, errors: Record<string, string>, sizes: Sizes): ResultRow[] {
  const failed = (name: keyof Measurements) => (errors[name] ? `failed: ${errors[name]}` : 'not run');
  const rows: ResultRow[] = [];
  const throughput = `deliveries/s (fan-out ${FAN_OUT}, ${formatNumber(sizes.throughputActivities * FAN_OUT)} deliveries)`;

  rows.push(row(throughput, `limit: undici request(), ${CONCURRENCY} in flight`, m.limit?.perSecond ?? null, '/s', m.limit ? '' : failed('limit')));
  rows.push(row(throughput, 'baseline: BullMQ 6 + Redis, undici worker ×64', m.baseline?.perSecond ?? null, '/s', m.baseline ? '' : failed('baseline')));
  for (const [key, label] of [['throughputSqlite', 'leadhook SQLite (serve)'], ['throughputPostgres', 'leadhook PostgreSQL (serve)']] as const) {
    const t = m[key];
    if (!t) {
      rows.push(row(throughput, label, null, '/s', failed(key)));
      continue;
    }
    const vsBaseline = m.baseline ? t.perSecond / m.baseline.perSecond : null;
    const vsLimit = m.limit ? t.perSecond / m.limit.perSecond : null;
    const note = [
      vsBaseline === null ? '' : `${x(vsBaseline)} baseline`,
      vsLimit === null ? '' : `${x(vsLimit)} limit`,
      `API ${formatNumber(t.apiPerSecond)} activities/s`,
      `${formatNumber(t.cpuUsPerDelivery)} µs CPU per delivery (whole process)`,
      t.databaseCpuUsPerDelivery == null ? '' : `+ ${formatNumber(t.databaseCpuUsPerDelivery)} µs (PostgreSQL server)`,
      t.duplicates > 0 ? `${t.duplicates} duplicates` : '',
      t.cut ? `CUT at the deadline after ${formatNumber(t.seconds)} s with ${formatNumber(t.deliveries)} delivered` : '',
    ].filter(Boolean).join(', ');
    const base = row(throughput, label, t.perSecond, '/s', note);
    rows.push(judged(base, '≥ 2× baseline', vsBaseline === null ? null : vsBaseline >= 2));
    const apiTarget = key === 'throughputSqlite' ? 5_000 : 3_000;
    rows.push(judged(row(throughput, `${label}: API writes while delivering`,  t.apiPerSecond, 'activities/s', `${DRIVER_CONCURRENCY} concurrent callers, API thread ${formatNumber(t.apiCpuUsPerActivity)} µs CPU per activity`), `≥ ${formatNumber(apiTarget)}/s`, t.apiPerSecond >= apiTarget));
  }

  const latency = `activity → receiver latency at ${formatNumber(LATENCY_RATE)}/s (open loop, ${sizes.latencySeconds} s)`;
  for (const [key, label] of [['latencySqlite', 'leadhook SQLite'], ['latencyPostgres', 'leadhook PostgreSQL']] as const) {
    const l = m[key];
    if (!l) {
      rows.push(row(latency, label, null, 'ms', failed(key)));
      continue;
    }
    const shortfall = [
      l.failedCalls > 0 ? `${formatNumber(l.failedCalls)} API calls failed/timed out` : '',
      l.undelivered > 0 ? `${formatNumber(l.undelivered)} not delivered by the deadline (left out)` : '',
    ].filter(Boolean).join('; ');
    rows.push(row(latency, `${label} p50`, l.p50, 'ms', `achieved ${formatNumber(l.achievedRate)}/s, ${formatNumber(l.count)} matched${shortfall ? `; ${shortfall}` : ''}`));
    rows.push(judged(row(latency, `${label} p99`, l.p99, 'ms', `max ${formatNumber(l.max)} ms; API answer p99 ${formatNumber(l.apiP99)} ms`), 'p99 < 50 ms', l.p99 < 50 && l.failedCalls + l.undelivered === 0));
    const cold = l.coldStart;
    rows.push(row(latency, `${label} p99, first ${LATENCY_WARM_UP_S} s after start`, cold.p99, 'ms', `cold start, measured before the row above: p50 ${formatNumber(cold.p50)} ms, max ${formatNumber(cold.max)} ms; API answer p99 ${formatNumber(cold.apiP99)} ms`));
  }

  const isolation = `isolation: ${ISOLATION_HANGING} of ${ISOLATION_WEBHOOKS} webhooks hang (timeout ${BENCH_DELIVERY_TIMEOUT_MS / 1000} s)`;
  for (const [key, label] of [['isolationSqlite', 'leadhook SQLite'], ['isolationPostgres', 'leadhook PostgreSQL'], ['isolationBaseline', 'baseline: BullMQ']] as const) {
    const i = m[key];
    if (!i) {
      rows.push(row(isolation, label, null, '%', failed(key)));
      continue;
    }
    const base = row(isolation, label, i.share * 100, '% of healthy rate', `${formatNumber(i.withHangingPerSecond)}/s vs ${formatNumber(i.allHealthyPerSecond)}/s all healthy` +
      (i.withHangingArrived < i.expected ? `; cut after ${formatNumber(i.withHangingSeconds)} s with ${formatNumber(i.withHangingArrived)} of ${formatNumber(i.expected)} arrived` : ''));
    rows.push(key === 'isolationBaseline' ? base : judged(base, '≥ 90 %', i.share >= 0.9));
  }

  const backlog = (b: BacklogResult) =>
    `${formatNumber(b.delivered)} of ${formatNumber(b.count)} in ${formatNumber(b.totalSeconds)} s${b.timedOut ? ' (DEADLINE)' : ''}, ` +
    `drain ${formatNumber(b.drainPerSecond)}/s, ${formatNumber(b.cpuMicrosPerDelivery)} µs CPU/delivery (delivery processes)` +
    (b.databaseCpuMicrosPerDelivery === null ? '' : ` + ${formatNumber(b.databaseCpuMicrosPerDelivery)} µs (PostgreSQL server)`) +
    `, insert ${formatNumber(b.insertSeconds)} s` +
    (b.duplicates > 0 ? `, ${formatNumber(b.duplicates)} sent twice` : '');
  const b = m.backlogSqlite;
  const backlogLabel = `backlog of ${formatNumber(sizes.backlogDeliveries)} pending deliveries`;
  if (!b) rows.push(row(backlogLabel, 'leadhook SQLite (serve)', null, 'MiB', failed('backlogSqlite')));
  else {
    rows.push(judged(row(backlogLabel, 'leadhook SQLite (serve) peak RSS', b.peakRssMiB, 'MiB', backlog(b)), 'drained, < 300 MB', !b.timedOut && b.peakRssMiB * 1.048576 < 300));
    rows.push(judged(row(backlogLabel, 'leadhook SQLite (serve) drain', b.drainPerSecond, '/s', ''), '≥ 15,000/s', !b.timedOut && b.drainPerSecond >= 15_000));
  }

  const workersLabel = `PostgreSQL workers (drain of ${formatNumber(sizes.workerScalingDeliveries)})`;
  const one = m.postgresOneWorker;
  rows.push(
    one
      ? judged(row(workersLabel, '1 × leadhook worker', one.drainPerSecond, '/s', `${backlog(one)}, peak RSS ${formatNumber(one.peakRssMiB)} MiB`), '≥ 10,000/s', one.drainPerSecond >= 10_000)
      : row(workersLabel, '1 × leadhook worker', null, '/s', failed('postgresOneWorker')),
  );
  // Adding workers must not lower the rate (against the next smaller set-up), and each worker
  // must send its fair share 1/n within ±SHARE_TOLERANCE of it.
  let fewer: { workers: number; result: BacklogResult } | undefined = one ? { workers: 1, result: one } : undefined;
  for (const [workers, key] of [[2, 'postgresTwoWorkers'], [4, 'postgresFourWorkers']] as const) {
    const many = m[key];
    const label = `${workers} × leadhook worker`;
    if (!many) {
      rows.push(row(workersLabel, label, null, '/s', failed(key)));
      continue;
    }
    const ratio = fewer ? many.drainPerSecond / fewer.result.drainPerSecond : null;
    const even = evenShares(many);
    const than = fewer ? `${fewer.workers} worker${fewer.workers > 1 ? 's' : ''}` : 'fewer workers';
    const note = `${ratio === null ? '' : `${x(ratio)} ${than}; `}${shareNote(many)}; ${backlog(many)}`;
    const target = `≥ 1× ${than} (no fall), even shares`;
    rows.push(judged(row(workersLabel, label, many.drainPerSecond, '/s', note), target, ratio === null ? null : ratio >= 1 && even));
    fewer = { workers, result: many };
  }

  const orderedLabel = `per-lead ordering (notes on ${ORDERED_LEADS} leads, fan-out ${FAN_OUT}, ${formatNumber(sizes.orderedActivities * FAN_OUT)} deliveries)`;
  const cutNote = (r: OrderedRun) => (r.cut ? `CUT at the deadline after ${formatNumber(r.seconds)} s with ${formatNumber(r.deliveries)} delivered` : '');
  for (const [key, label] of [['orderedSqlite', 'leadhook SQLite (serve)'], ['orderedPostgres', 'leadhook PostgreSQL (serve)']] as const) {
    const o = m[key];
    if (!o) {
      rows.push(row(orderedLabel, `${label}, per_lead`, null, '/s', failed(key)));
      continue;
    }
    rows.push(row(orderedLabel, `${label}, ordering none`, o.unordered.perSecond, '/s', cutNote(o.unordered)));
    const ratio = o.ordered.perSecond / o.unordered.perSecond;
    const note = [`${x(ratio)} unordered`, cutNote(o.ordered)].filter(Boolean).join(', ');
    rows.push(judged(row(orderedLabel, `${label}, per_lead`, o.ordered.perSecond, '/s', note), '≥ 0.8× unordered', !o.ordered.cut && !o.unordered.cut && ratio >= 0.8));
  }
  return rows;
}
