// Load and bookkeeping for the fault tests: a bounded loop of lead creations through the API of a
// leadhook child process, recording what was committed (201) and what the API answered meanwhile,
// and the figures each fault reports: lost, duplicated, recovery time.
import type { Child } from '../helpers/processes.ts';
import type { Receiver } from '../helpers/receiver.ts';

export interface Load {
  /** Lead ids answered 201, in order, with the time of the answer. */
  committed: Array<{ id: string; at: number }>;
  /** How many answers had each status (0: no answer, the connection failed). */
  statuses: Map<number, number>;
  /** 503 answers without a numeric Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** The first 201 at or after `since` (ms), if any yet. */
  firstCommitAfter(since: number): number | undefined;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates leads on `lanes` concurrent loops until stop() or `maxRequests`, backing off 100 ms after a failure. */
export function startLoad(base: string, key: string, pipelineId: string, { lanes = 4, maxRequests = 50_000, pauseMs = 0 } = {}): Load {
  const load: Load = {
    committed: [],
    statuses: new Map(),
    unavailableWithoutRetryAfter: 0,
    firstCommitAfter: (since) => load.committed.find((c) => c.at >= since)?.at,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
  let stopped = false;
  let sent = 0;
  const loops = Array.from({ length: lanes }, async () => {
    while (!stopped && sent++ < maxRequests) {
      let status = 0;
      try {
        const response = await fetch(`${base}/api/v1/leads`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Fault load', pipeline_id: pipelineId }),
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        const body = (await response.json()) as { _id?: string };
        if (status === 201) load.committed.push({ id: body._id!, at: Date.now() });
        if (status === 503 && !/^\d+$/.test(response.headers.get('retry-after') ?? '')) load.unavailableWithoutRetryAfter += 1;
      } catch {
        status = 0;
      }
      load.statuses.set(status, (load.statuses.get(status) ?? 0) + 1);
      if (status !== 201) await sleep(100);
      else if (pauseMs > 0) await sleep(pauseMs);
    }
  });
  return load;
}

/** Lead ids in the bodies the receiver got, with how many times each webhook-id arrived. */
export function deliveryCounts(receiver: Receiver): { leads: Set<string>; perWebhookId: Map<string, number>; duplicates: number } {
  const leads = new Set<string>();
  const perWebhookId = new Map<string, number>();
  for (const request of receiver.requests) {
    const body = JSON.parse(request.body) as { lead?: { _id?: string } };
    if (body.lead?._id) leads.add(body.lead._id);
    const id = String(request.headers['webhook-id']);
    perWebhookId.set(id, (perWebhookId.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of perWebhookId.values()) duplicates += n - 1;
  return { leads, perWebhookId, duplicates };
}

/** SQL for the webhook-ids with a failed attempt on record (a timeout, a 5xx …): retried by design. */
export const RETRIED_IDS_SQL = 'select distinct activity_id from delivery_attempts where succeeded = 0';

/**
 * Splits the copies the receiver got twice: those of deliveries with a failed attempt on record
 * were retried on purpose (the receiver was slow to answer on a busy machine, at-least-once); the
 * rest are what a fault caused.
 */
export function splitDuplicates(perWebhookId: Map<string, number>, retried: Set<string>): { retried: number; unexplained: number } {
  const split = { retried: 0, unexplained: 0 };
  for (const [id, n] of perWebhookId) {
    if (n > 1) split[retried.has(id) ? 'retried' : 'unexplained'] += n - 1;
  }
  return split;
}

/** Waits (bounded) until every committed lead reached the receiver; returns how many did not. */
export async function waitForDeliveries(receiver: Receiver, committed: Array<{ id: string }>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const lost = () => {
    const { leads } = deliveryCounts(receiver);
    return committed.filter((c) => !leads.has(c.id)).length;
  };
  while (lost() > 0 && Date.now() < deadline) await sleep(200);
  return lost();
}

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

export function alive(child: Child): boolean {
  return child.process.exitCode === null && child.process.signalCode === null;
}

/** Lines of a child's JSON log that match `filter`. */
export function logLines(child: Child, filter: (line: Record<string, unknown>) => boolean): Array<Record<string, unknown>> {
  return child
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter(filter);
}

export const statusSummary = (statuses: Map<number, number>) =>
  [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`)
    .join(', ');
