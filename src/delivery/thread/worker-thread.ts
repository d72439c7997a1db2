// The delivery thread (started by thread-host.ts through entry.js): its own database connection
// (SQLite) or pool and LISTEN client (PostgreSQL), sender and mailer, built from the configuration
// in `workerData`, and one DeliveryWorker that runs until the main thread says `stop`. It reports
// its health every HEALTH_REPORT_MS and forwards attempt metrics in batches; wake-ups from the
// main thread's outbox arrive as `wake` messages.
import { parentPort, workerData } from 'node:worker_threads';
import { createMailer } from '../../notifications/mailer.ts';
import { createSmtpTransport } from '../../notifications/smtp-transport.ts';
import { systemClock } from '../../shared/clock.ts';
import { createLogger } from '../../shared/logger.ts';
import { openDatabase } from '../../storage/database.ts';
import { createAddressPolicy, systemResolver } from '../address-guard.ts';
import { createDeliveryWorker } from '../create-worker.ts';
import { WakeSignal } from '../wakeup.ts';
import { createForwardingMetrics } from './forwarding-metrics.ts';
import { HEALTH_REPORT_MS, type HostMessage, type ThreadData, type ThreadMessage } from './messages.ts';

if (!parentPort) throw new Error('worker-thread.ts runs only inside a worker thread (see thread-host.ts)');
const port = parentPort;
const post = (message: ThreadMessage) => port.postMessage(message);

const config = Object.freeze((workerData as ThreadData).config);
// Same level and redaction as the main thread (createLogger); lines say which thread wrote them.
const logger = createLogger(config.logLevel).child({ thread: 'delivery' });
const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const smtp = config.smtpUrl ? createSmtpTransport(config.smtpUrl) : undefined;
const metrics = createForwardingMetrics(post);
const wake = new WakeSignal();
const worker = createDeliveryWorker({
  config,
  database,
  clock: systemClock,
  random: Math.random,
  logger,
  mailer: createMailer(database.db, systemClock, smtp?.send),
  metrics,
  wake,
  addressPolicy: createAddressPolicy(config.allowPrivateTargets),
  resolver: systemResolver,
  connector: undefined,
});

let stopping = false;
port.on('message', (message: HostMessage) => {
  if (message.type === 'wake') wake.wake();
  else if (message.type === 'stop' && !stopping) {
    stopping = true;
    void stop();
  }
});

worker.start();
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
  smtp?.close();
  await database.close().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
  post({ type: 'stopped' });
  // Messages posted before exit still reach the main thread; a lingering socket must not keep us.
  process.exit(0);
}
