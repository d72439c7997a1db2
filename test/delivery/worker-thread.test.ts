import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config.ts';
import type { DeliveryMetrics } from '../../src/delivery/metrics.ts';
import { DeliveryThreadHost } from '../../src/delivery/thread/thread-host.ts';
import { WakeSignal } from '../../src/delivery/wakeup.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { api, createAccountByCli, LISTENING, startLeadhook, useProcessFixture } from '../helpers/processes.ts';



async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A counter or histogram-count sample from a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

const activityType = (body: string) => (JSON.parse(body) as { activity: { type: string } }).activity.type;

for (const dialect of DIALECTS) {
  describe(`leadhook serve: the delivery worker on its own thread [${dialect}]`, () => {
    const fx = useProcessFixture(dialect);

    it('delivers lead changes promptly, reports the worker ready, counts the attempts in /metrics and drains on SIGTERM', async () => {
      const { api_key: key } = await createAccountByCli(fx.env);
      const server = startLeadhook(['serve'], fx.env);
      const base = (await server.waitFor(LISTENING))[1]!;
      // The host logs the thread's worker id and thread id once the thread's worker runs.
      assert.match(server.output(), /"worker":"worker-[0-9a-f]{12}","thread":[1-9]\d*,"msg":"delivery worker started"/);

      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        status: 'ready',
        checks: [
          { name: 'database', ok: true },
          { name: 'delivery-worker', ok: true },
        ],
      });

      const hook = await api(base, key, 'POST', '/webhooks', { url: fx.receiver.url('/thread'), events: ['lead:created', 'lead:moved'] });
      assert.equal(hook.status, 201);
      const pipeline = (await api(base, key, 'GET', '/pipelines')).body[0];

      // One at a time, each after the previous arrived: with only the 5 s fallback poll, five in a
      // row could not all arrive within half of it. The wake-up has to cross to the thread. (Half,
      // not a second: a loaded CI machine may stall one request for a second without a bug.)
      const latencies: number[] = [];
      const leadIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const sentAt = Date.now();
        const lead = await api(base, key, 'POST', '/leads', { name: `Thread ${i}`, pipeline_id: pipeline._id });
        assert.equal(lead.status, 201);
        leadIds.push(lead.body._id as string);
        await fx.receiver.waitFor(i + 1, 10_000);
        latencies.push(Date.now() - sentAt);
      }
      assert.ok(Math.max(...latencies) < 2_500, `every delivery within 2.5 s (got ${latencies.join(', ')} ms)`);

      // A change of stage is delivered too, as lead:moved.
      const moved = await api(base, key, 'PUT', `/leads/${leadIds[0]}`, { stage_id: pipeline.stages[2]._id });
      assert.equal(moved.status, 200);
      await fx.receiver.waitFor(6, 5_000);
      assert.deepEqual(fx.receiver.requests.map((r) => activityType(r.body)), [...Array(5).fill('lead:created'), 'lead:moved']);

      // The thread's attempts reach the main thread's /metrics (batched every 100 ms).
      let metrics = '';
      await until(
        async () => {
          metrics = await (await fetch(`${base}/metrics`)).text();
          return sample(metrics, 'leadhook_delivery_attempts_total{outcome="delivered"}') >= 6;
        },
        5_000,
        '/metrics counts 6 delivered attempts',
      );
      assert.equal(sample(metrics, 'leadhook_delivery_attempts_total{outcome="delivered"}'), 6);
      assert.equal(sample(metrics, 'leadhook_delivery_attempt_duration_seconds_count'), 6);
      assert.equal(sample(metrics, 'leadhook_delivery_queue_depth'), 0);

      // SIGTERM while a request is in flight: the thread lets it finish and records it, then exits 0.
      fx.receiver.behave((_req, res) => setTimeout(() => res.writeHead(200).end('late'), 400));
      const last = await api(base, key, 'POST', '/leads', { name: 'In flight at SIGTERM', pipeline_id: pipeline._id });
      assert.equal(last.status, 201);
      await fx.receiver.waitFor(7, 5_000);
      const exited = once(server.process, 'exit');
      server.process.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, 'SIGTERM drains and exits 0');
      assert.doesNotMatch(server.output(), /SQLITE_BUSY|"level":50/, 'no error was logged');
      assert.doesNotMatch(server.output(), /delivery thread did not drain/);

      const check = openDatabase({ databaseUrl: fx.database.databaseUrl, dataDir: fx.database.dataDir });
      try {
        const rows = await check.db
          .selectFrom('deliveries')
          .innerJoin('activities', 'activities.id', 'deliveries.activity_id')
          .select(['deliveries.status', 'deliveries.attempts'])
          .where('activities.lead_id', '=', last.body._id as string)
          .execute();
        assert.deepEqual(rows, [{ status: 'succeeded', attempts: 1 }]);
      } finally {
        await check.close();
      }
    });

    it('keeps the worker on the API thread with LEADHOOK_WORKER_THREAD=0, and still delivers', async () => {
      fx.receiver.behave((_req, res) => res.writeHead(200).end('ok'));
      const before = fx.receiver.requests.length;
      const { api_key: key } = await createAccountByCli(fx.env);
      const server = startLeadhook(['serve'], { ...fx.env, LEADHOOK_WORKER_THREAD: '0' });
      const base = (await server.waitFor(LISTENING))[1]!;
      assert.match(server.output(), /"worker":"worker-[0-9a-f]{12}","msg":"delivery worker started"/);
      assert.doesNotMatch(server.output(), /"thread":/);
      await api(base, key, 'POST', '/webhooks', { url: fx.receiver.url('/same-thread'), events: ['lead:created'] });
      const pipeline = (await api(base, key, 'GET', '/pipelines')).body[0];
      assert.equal((await api(base, key, 'POST', '/leads', { name: 'Same thread', pipeline_id: pipeline._id })).status, 201);
      await fx.receiver.waitFor(before + 1, 10_000);
      assert.equal(fx.receiver.requests.at(-1)?.path, '/same-thread');
      const exited = once(server.process, 'exit');
      server.process.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
    });
  });
}

/**
 * The host alone, with a stand-in thread (an eval'd script speaking the same messages), to make it
 * die on cue. No database is involved, so this block does not repeat per dialect.
 */
describe('delivery thread host', () => {
  const STAND_IN = `
    const { parentPort, workerData } = require('node:worker_threads');
    let wakes = 0;
    parentPort.postMessage({ type: 'ready', workerId: 'worker-standin' + workerData.n });
    parentPort.postMessage({ type: 'health', ok: true });
    parentPort.postMessage({ type: 'attempts', outcomes: ['delivered', 'timeout'], durationsMs: [12, 2000] });
    if (workerData.dieAfterMs !== undefined) setTimeout(() => process.exit(3), workerData.dieAfterMs);
    parentPort.on('message', (m) => {
      if (m.type === 'wake') parentPort.postMessage({ type: 'health', ok: true, detail: 'wakes=' + ++wakes });
      if (m.type === 'stop' && !workerData.ignoreStop) {
        parentPort.postMessage({ type: 'stopped' });
        process.exit(0);
      }
    });
  `;

  function setUp(behaviour: (n: number) => { dieAfterMs?: number; ignoreStop?: boolean }) {
    const lines: Array<{ msg: string; code?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const recorded: Array<[string, number]> = [];
    const metrics: DeliveryMetrics = { registry: new Registry(), recordAttempt: (outcome, ms) => recorded.push([outcome, ms]) };
    const wake = new WakeSignal();
    let spawned = 0;
    const host = new DeliveryThreadHost({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      logger,
      wake,
      metrics,
      spawn: () => {
        const n = spawned++;
        return new Worker(STAND_IN, { eval: true, workerData: { n, ...behaviour(n) } });
      },
      restartDelaysMs: [50, 100],
      stopTimeoutMs: 500,
    });
    return { host, lines, recorded, wake, spawns: () => spawned };
  }

  it('forwards wake-ups coalesced and attempt metrics, and stops the thread', async () => {
    const { host, recorded, wake, spawns } = setUp(() => ({}));
    await host.start();
    await until(() => recorded.length === 2, 2_000, 'attempts forwarded');
    assert.deepEqual(recorded, [
      ['delivered', 12],
      ['timeout', 2000],
    ]);
    for (let i = 0; i < 5; i++) wake.wake();
    await until(() => host.health().detail !== undefined, 2_000, 'the wake-up reached the thread');
    assert.deepEqual(host.health(), { name: 'delivery-worker', ok: true, detail: 'wakes=1' });
    await host.stop();
    assert.deepEqual(host.health(), { name: 'delivery-worker', ok: false, detail: 'delivery thread stopped' });
    assert.equal(spawns(), 1);
  });

  it('logs a thread that dies, reports not ready, and restarts it after the backoff', async () => {
    const { host, lines, spawns } = setUp((n) => (n === 0 ? { dieAfterMs: 100 } : {}));
    await host.start();
    assert.equal(host.health().ok, true);
    await until(() => lines.some((l) => l.msg === 'the delivery thread exited unexpectedly'), 2_000, 'the death logged');
    assert.equal(lines.find((l) => l.msg === 'the delivery thread exited unexpectedly')?.code, 3);
    assert.deepEqual(host.health(), { name: 'delivery-worker', ok: false, detail: 'delivery thread restarting' });
    await until(() => host.health().ok, 2_000, 'the restarted thread is ready');
    assert.equal(spawns(), 2);
    assert.equal(lines.filter((l) => l.msg === 'delivery worker started').length, 2);
    await host.stop();
    assert.equal(spawns(), 2, 'no restart after stop()');
  });

  it('terminates a thread that does not drain within the stop timeout', async () => {
    const { host, lines } = setUp(() => ({ ignoreStop: true }));
    await host.start();
    const startedAt = Date.now();
    await host.stop();
    assert.ok(Date.now() - startedAt >= 450, 'waited for the stop timeout');
    assert.ok(lines.some((l) => l.msg === 'the delivery thread did not drain in time; terminating it'));
    assert.ok(!lines.some((l) => l.msg === 'the delivery thread exited unexpectedly'));
  });

  it('fails start() when the first thread dies before it is ready', async () => {
    const lines: string[] = [];
    const host = new DeliveryThreadHost({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
      wake: new WakeSignal(),
      metrics: { registry: new Registry(), recordAttempt: () => {} },
      spawn: () => new Worker('process.exit(4)', { eval: true }),
      restartDelaysMs: [50],
    });
    await assert.rejects(host.start(), /exited \(code 4\) before its worker started/);
    assert.deepEqual(host.health(), { name: 'delivery-worker', ok: false, detail: 'delivery thread stopped' });
  });
});
