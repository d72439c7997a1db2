// Creates activities through the public API: POST /leads records one `lead:created` each.
// Two ways: as fast as `concurrency` callers go (closed loop, for throughput), and at a fixed rate
// whatever the answers' speed (open loop, for latency: a slow answer never delays the next call,
// so queueing shows up in the figures instead of being hidden — no coordinated omission).
import { now, sleep } from '../lib/deadline.ts';
import { leadName } from '../lib/sample-body.ts';
import type { ApiClient } from './api-client.ts';

/** Runs `call(0)`, `call(1)`, … `count` times by `concurrency` callers; stops early at the deadline; returns how many completed. */
async function closedLoop(count: number, concurrency: number, deadline: number, call: (n: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  let created = 0;
  const caller = async () => {
    while (next < count && now() < deadline) {
      await call(next++);
      created += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return created;
}

/** New leads; returns how many were created. */
export function createLeadsClosedLoop(api: ApiClient, pipelineId: string, count: number, concurrency: number, deadline: number): Promise<number> {
  return closedLoop(count, concurrency, deadline, (n) => api.call('POST', '/leads', { name: leadName(n), pipeline_id: pipelineId }));
}

/** Notes on `leadIds`, round robin; returns how many were created. */
export function createNotesClosedLoop(api: ApiClient, leadIds: readonly string[], count: number, concurrency: number, deadline: number): Promise<number> {
  return closedLoop(count, concurrency, deadline, (n) => api.call('POST', `/leads/${leadIds[n % leadIds.length]}/notes`, { content: `note ${n}` }));
}

export interface PacedCall {
  /** null when the call failed (an error answer, or no answer within 30 s). */
  leadId: string | null;
  /** When the call was due (and, unless the driver fell behind, made). */
  scheduledAt: number;
  sentAt: number;
  answeredAt: number;
}

/** `rate` calls per second for `seconds`; returns every call's timing by lead id. */
export async function createLeadsOpenLoop(api: ApiClient, pipelineId: string, rate: number, seconds: number, deadline: number): Promise<PacedCall[]> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const calls: Array<Promise<PacedCall>> = [];
  const start = now() + 20;
  for (let n = 0; n < total; n++) {
    const scheduledAt = start + n * interval;
    const wait = scheduledAt - now();
    // Timers are coarse (~1 ms); calls due within the same millisecond go out together.
    if (wait >= 1) await sleep(Math.floor(wait));
    if (now() > deadline) break;
    const sentAt = now();
    calls.push(
      api.call<{ _id: string }>('POST', '/leads', { name: leadName(n), pipeline_id: pipelineId }).then(
        (lead) => ({ leadId: lead._id, scheduledAt, sentAt, answeredAt: now() }),
        () => ({ leadId: null, scheduledAt, sentAt, answeredAt: now() }),
      ),
    );
  }
  return Promise.all(calls);
}
