// How big each scenario is. `--quick` is for everyday use (under 2 minutes in all); the full run is
// what docs/BENCHMARKS.md reports (under about 20 minutes on the 2-core reference machine).

export interface Sizes {
  name: 'quick' | 'full';
  /** Activities per throughput run; each fans out to FAN_OUT webhooks. */
  throughputActivities: number;
  /** Seconds of open-loop load at LATENCY_RATE activities/s. */
  latencySeconds: number;
  /** Activities per isolation run (each to ISOLATION_WEBHOOKS webhooks). */
  isolationActivities: number;
  /** Pending deliveries inserted for the backlog drain. */
  backlogDeliveries: number;
  /** Pending deliveries drained by 1, then 2, then 4 PostgreSQL workers. */
  workerScalingDeliveries: number;
  /** Notes per ordering run (each to FAN_OUT webhooks), run once unordered and once per lead. */
  orderedActivities: number;
  /** Hard deadline per scenario, in seconds. */
  scenarioDeadlineS: number;
}

export const FAN_OUT = 5;
/** Leads the ordering scenario spreads its notes over, round robin. */
export const ORDERED_LEADS = 100;
/** The same number of requests in flight for the limit and the baseline worker. */
export const CONCURRENCY = 64;
export const LATENCY_RATE = 1_000;
/** Seconds at LATENCY_RATE measured first, as the cold start, before the judged seconds. */
export const LATENCY_WARM_UP_S = 3;
/** 8 webhooks, 2 of them (a quarter) hanging. */
export const ISOLATION_WEBHOOKS = 8;
export const ISOLATION_HANGING = 2;
/** LEADHOOK_DELIVERY_TIMEOUT_MS for the bench: hanging endpoints hold a slot this long. */
export const BENCH_DELIVERY_TIMEOUT_MS = 2_000;

export const QUICK: Sizes = {
  name: 'quick',
  throughputActivities: 1_000,
  latencySeconds: 3,
  isolationActivities: 300,
  backlogDeliveries: 50_000,
  workerScalingDeliveries: 20_000,
  orderedActivities: 1_000,
  scenarioDeadlineS: 25,
};

export const FULL: Sizes = {
  name: 'full',
  throughputActivities: 20_000,
  latencySeconds: 30,
  isolationActivities: 6_000,
  backlogDeliveries: 1_000_000,
  workerScalingDeliveries: 100_000,
  orderedActivities: 10_000,
  scenarioDeadlineS: 600,
};
