// The baseline's sustained throughput: the same activities and fan-out as leadhook's run, enqueued
// with addBulk and delivered by the BullMQ worker process. Measured from the first enqueue to the
// arrival of the last delivery, after a small warm-up run.
import type { Receiver } from '../lib/receiver-handle.ts';
import type { ThroughputResult } from '../scenarios/limit.ts';
import { FAN_OUT } from '../sizes.ts';
import { BullmqBaseline } from './bullmq.ts';

export async function bullmqThroughput(receiver: Receiver, activities: number, deadline: number): Promise<ThroughputResult> {
  const paths = Array.from({ length: FAN_OUT }, (_, i) => `/ok/${i}`);
  const baseline = await BullmqBaseline.start(15_000);
  try {
    await baseline.run(receiver, 100, paths, 100 * FAN_OUT, deadline);
    const run = await baseline.run(receiver, activities, paths, activities * FAN_OUT, deadline);
    return { deliveries: run.okArrived, seconds: run.seconds, perSecond: (activities * FAN_OUT) / run.seconds };
  } finally {
    await baseline.stop();
  }
}
