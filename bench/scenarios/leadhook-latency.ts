// Activity → receiver latency at a fixed rate: POST /leads at LATENCY_RATE per second, open loop,
// one webhook; each delivery is matched to its API call through the receiver's record of
// webhook-id → lead _id. Latency runs from the moment the call was due to the arrival.
// The first LATENCY_WARM_UP_S seconds at that rate after start are measured on their own and
// reported as the cold start: there V8 still runs the request path unoptimised (60 closed-loop
// calls are not enough to warm it), and at 1,000/s that first stretch queued for ~2 s (p99 116–216
// ms against 30 ms after it). The judged figure is the steady state after it, as a server that has
// been running serves; the cold start stays in the table beside it.
import { DeadlineError } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { percentile } from '../lib/stats.ts';
import { createLeadsOpenLoop } from '../leadhook/driver.ts';
import { okPaths, openSession, type Session } from '../leadhook/session.ts';
import { LATENCY_RATE, LATENCY_WARM_UP_S } from '../sizes.ts';
import { warmUp } from './leadhook-throughput.ts';

export interface LatencyResult {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** The API's own answer time (due → answered), p99. */
  apiP99: number;
  /** The rate the driver actually achieved. */
  achievedRate: number;
  /** Calls the API refused or did not answer in time. */
  failedCalls: number;
  /** Activities created whose delivery had not arrived by the deadline (left out of the percentiles). */
  undelivered: number;
  /** The same measurement over the first LATENCY_WARM_UP_S seconds at the rate after start. */
  coldStart: Omit<LatencyResult, 'coldStart'>;
}

async function measure(session: Session, receiver: Receiver, dialect: Dialect, seconds: number, deadline: number): Promise<Omit<LatencyResult, 'coldStart'>> {
  await receiver.reset(true);
  const calls = await createLeadsOpenLoop(session.api, session.pipelineId, LATENCY_RATE, seconds, deadline);
  const answered = calls.filter((c) => c.leadId !== null);
  try {
    await receiver.waitForOk(answered.length, deadline, `leadhook ${dialect} latency`);
  } catch (error) {
    if (!(error instanceof DeadlineError)) throw error;
  }
  const arrivedAt = new Map<string, number>();
  for (const [, at, leadId] of await receiver.arrivals()) arrivedAt.set(leadId, at);
  const latencies: number[] = [];
  for (const call of answered) {
    const at = arrivedAt.get(call.leadId ?? '');
    if (at !== undefined) latencies.push(at - call.scheduledAt);
  }
  const first = calls[0]!.scheduledAt;
  const last = calls[calls.length - 1]!.sentAt;
  return {
    count: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    apiP99: percentile(calls.map((c) => c.answeredAt - c.scheduledAt), 99),
    achievedRate: (calls.length - 1) / ((last - first) / 1000),
    failedCalls: calls.length - answered.length,
    undelivered: answered.length - latencies.length,
  };
}

export async function leadhookLatency(dialect: Dialect, receiver: Receiver, seconds: number, deadline: number): Promise<LatencyResult> {
  const session = await openSession(dialect, receiver, okPaths(1), { worker: true });
  try {
    await warmUp(session, receiver, 1, deadline);
    const coldStart = await measure(session, receiver, dialect, LATENCY_WARM_UP_S, deadline);
    return { ...(await measure(session, receiver, dialect, seconds, deadline)), coldStart };
  } finally {
    await session.close();
  }
}
