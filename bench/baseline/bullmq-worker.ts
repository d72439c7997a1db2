// The usual home-made alternative's worker, as its own process: a BullMQ 6 worker on the local
// Redis whose jobs POST one webhook body with undici. Tuned fairly: a keep-alive Agent, worker
// concurrency 64, completed jobs removed. A non-2xx answer or a timeout fails the job, and BullMQ
// retries it with its own backoff.
import { Worker } from 'bullmq';
import { Agent, request } from 'undici';
import { BULLMQ_CONNECTION, type DeliveryJob } from './bullmq-shared.ts';

const queueName = process.env.BENCH_QUEUE ?? 'leadhook-bench';
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 15_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

const worker = new Worker<DeliveryJob>(
  queueName,
  async (job) => {
    const response = await request(job.data.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'webhook-id': job.data.webhookId },
      body: job.data.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`);
  },
  { connection: BULLMQ_CONNECTION, concurrency },
);
worker.on('error', (error) => console.error('bullmq worker:', error.message));
await worker.waitUntilReady();
process.send?.({ type: 'ready' });

const stop = async () => {
  await worker.close(true);
  await agent.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
