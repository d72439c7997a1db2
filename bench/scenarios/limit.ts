// The physical limit: plain undici request() POSTs of the same body to the same receiver, with the
// same number of requests in flight, on one keep-alive Pool. Nothing is stored, signed or retried.
import { Pool } from 'undici';
import { now } from '../lib/deadline.ts';
import type { Receiver } from '../lib/receiver-handle.ts';
import { hexId, sampleBody } from '../lib/sample-body.ts';
import { CONCURRENCY, FAN_OUT } from '../sizes.ts';

export interface ThroughputResult {
  deliveries: number;
  seconds: number;
  perSecond: number;
}

/** A small warm-up run, then the measured one. */
export async function limitThroughput(receiver: Receiver, activities: number, deadline: number): Promise<ThroughputResult> {
  await limitRun(receiver, Math.min(activities, 200), deadline);
  return limitRun(receiver, activities, deadline);
}

async function limitRun(receiver: Receiver, activities: number, deadline: number): Promise<ThroughputResult> {
  const total = activities * FAN_OUT;
  const bodies = Array.from({ length: activities }, (_, n) => ({ id: hexId(), body: sampleBody(hexId(), hexId(), n) }));
  const pool = new Pool(receiver.origin, { connections: CONCURRENCY, pipelining: 1, headersTimeout: 15_000, bodyTimeout: 15_000 });
  await receiver.reset();
  let next = 0;
  const started = now();
  const sender = async () => {
    while (next < total && now() < deadline) {
      const i = next++;
      const item = bodies[Math.floor(i / FAN_OUT)]!;
      const response = await pool.request({
        method: 'POST',
        path: `/ok/${i % FAN_OUT}`,
        headers: { 'content-type': 'application/json', 'webhook-id': item.id },
        body: item.body,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`limit: receiver answered ${response.statusCode}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  } finally {
    await pool.close();
  }
  const seconds = (now() - started) / 1000;
  const { ok } = await receiver.stats();
  if (ok < total) throw new Error(`limit: only ${ok} of ${total} requests arrived before the deadline`);
  return { deliveries: ok, seconds, perSecond: ok / seconds };
}
