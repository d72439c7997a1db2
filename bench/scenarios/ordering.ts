// Ordered vs unordered delivery (docs/WEBHOOKS.md, "Order per lead"): the same load twice, on a
// fresh deployment each, with FAN_OUT webhooks of `ordering: "none"`, then of `"per_lead"`. The
// load is notes on ORDERED_LEADS leads, round robin, through the API as fast as 16 callers go, so
// each lead has a stream of activities that per-lead ordering must send one at a time.
// Measured from the first note to the arrival of the last delivery; the lead:created deliveries
// made while setting up are not counted.
import { DeadlineError, now } from '../lib/deadline.ts';
import type { Dialect } from '../lib/databases.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { leadName } from '../lib/sample-body.ts';
import { okPaths, openSession } from '../leadhook/session.ts';
import { FAN_OUT, ORDERED_LEADS } from '../sizes.ts';
import { DRIVER_CONCURRENCY } from './leadhook-throughput.ts';
import type { ThroughputResult } from './limit.ts';

export interface OrderedRun extends ThroughputResult {
  /** True when the deadline cut the run: the rate is then what arrived over the time elapsed. */
  cut: boolean;
}

export interface OrderingResult {
  unordered: OrderedRun;
  ordered: OrderedRun;
  leads: number;
}

async function run(dialect: Dialect, receiver: Receiver, ordering: 'none' | 'per_lead', activities: number, deadline: number): Promise<OrderedRun> {
  const session = await openSession(dialect, receiver, okPaths(FAN_OUT), { worker: true, webhook: { ordering } });
  try {
    await receiver.reset();
    const leads: string[] = [];
    for (let n = 0; n < ORDERED_LEADS; n++) {
      leads.push((await session.api.call<{ _id: string }>('POST', '/leads', { name: leadName(n), pipeline_id: session.pipelineId }))._id);
    }
    // Also the warm-up: JIT, pools and caches.
    await receiver.waitForOk(ORDERED_LEADS * FAN_OUT, deadline, `${dialect} ${ordering} set-up`);
    await receiver.reset(true);

    const started = now();
    let next = 0;
    let created = 0;
    const caller = async () => {
      while (next < activities && now() < deadline) {
        const n = next++;
        await session.api.call('POST', `/leads/${leads[n % leads.length]}/notes`, { content: `note ${n}` });
        created += 1;
      }
    };
    await Promise.all(Array.from({ length: DRIVER_CONCURRENCY }, caller));
    let cut = created < activities;
    try {
      if (!cut) await receiver.waitForOk(activities * FAN_OUT, deadline, `leadhook ${dialect} ${ordering}`);
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      cut = true;
    }
    const stats = await receiver.stats();
    const seconds = ((cut ? now() : stats.lastOkAt) - started) / 1000;
    return { deliveries: stats.ok, seconds, perSecond: stats.ok / seconds, cut };
  } finally {
    await session.close();
  }
}

/** Half the deadline for each run, so a slow ordered run still leaves a figure for both. */
export async function leadhookOrdering(dialect: Dialect, receiver: Receiver, activities: number, deadline: number): Promise<OrderingResult> {
  const half = now() + (deadline - now()) / 2;
  const unordered = await run(dialect, receiver, 'none', activities, half);
  const ordered = await run(dialect, receiver, 'per_lead', activities, deadline);
  return { unordered, ordered, leads: ORDERED_LEADS };
}
