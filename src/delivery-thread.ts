// The delivery thread (started by src/delivery/thread/thread-host.ts through delivery-thread.entry.js): its own context (database
// connection or pool, LISTEN client, sender, mailer) built from the configuration in `workerData`
// by the same createContext() as every other process, and the worker that context assembles. It
// runs until the main thread says `stop`, reports its health every HEALTH_REPORT_MS and forwards
// attempt metrics in batches; wake-ups from the main thread's outbox arrive as `wake` messages.
import { parentPort, workerData } from 'node:worker_threads';
import { createContext } from './context.ts';
import { createLogger } from './shared/logger.ts';
import { setupTracing } from './telemetry/tracing.ts';
import { createForwardingMetrics } from './delivery/thread/forwarding-metrics.ts';
import { HEALTH_REPORT_MS, type HostMessage, type ThreadData, type ThreadMessage } from './delivery/thread/messages.ts';

if (!parentPort) throw new Error('delivery-thread.ts runs only inside a worker thread (see thread-host.ts)');
const port = parentPort;
const post = (message: ThreadMessage) => port.postMessage(message);

const config = Object.freeze((workerData as ThreadData).config);
// Same level and redaction as the main thread (createLogger); lines say which thread wrote them.
const logger = createLogger(config.logLevel).child({ thread: 'delivery' });
const metrics = createForwardingMetrics(post);
// This thread exports its own spans (the delivery attempts) when OTEL_* asks for traces.
const tracing = await setupTracing(process.env);
const ctx = await createContext(config, { logger, metrics });
const worker = ctx.createWorker();

let stopping = false;
port.on('message', (message: HostMessage) => {
  if (message.type === 'wake') ctx.wake.wake();
  else if (message.type === 'stop' && !stopping) {
    stopping = true;
    void stop();
  }
});

await worker.start();
const reportHealth = () => post({ type: 'health', ...worker.health() });
const healthTimer = setInterval(reportHealth, HEALTH_REPORT_MS);
post({ type: 'ready', workerId: worker.id });
reportHealth();

async function stop(): Promise<void> {
  clearInterval(healthTimer);
  try {
    await worker.stop();
  } catch (error) {
    logger.error({ err: error }, 'delivery worker did not stop cleanly');
  }
  metrics.close();
  await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'flushing traces failed'));
  await ctx.close().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
  post({ type: 'stopped' });
  // Messages posted before exit still reach the main thread; a lingering socket must not keep us.
  process.exit(0);
}
