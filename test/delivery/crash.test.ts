import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { api, createAccountByCli, LISTENING, startLeadhook, useProcessFixture } from '../helpers/processes.ts';
import type { Receiver } from '../helpers/receiver.ts';

/** Lead ids named in the bodies the receiver got. */
const receivedLeads = (receiver: Receiver) => new Set(receiver.requests.map((r) => JSON.parse(r.body).lead._id as string));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates leads, a few at a time, until `stop()`; returns the ids of those answered 2xx. */
function createLeadsInLoop(base: string, key: string, pipelineId: string) {
  const committed: string[] = [];
  let stopped = false;
  const lanes = Array.from({ length: 4 }, async () => {
    while (!stopped) {
      try {
        const response = await api(base, key, 'POST', '/leads', { name: 'Load', pipeline_id: pipelineId });
        if (response.status === 201) committed.push(response.body._id as string);
      } catch {
        return; // the server was killed
      }
    }
  });
  return {
    committed,
    stop: async () => {
      stopped = true;
      await Promise.all(lanes);
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`crash safety [${dialect}]`, () => {
    const fx = useProcessFixture(dialect, { LEADHOOK_DELIVERY_TIMEOUT_MS: '1000', LEADHOOK_CONNECT_TIMEOUT_MS: '1000' });

    it('delivers every committed activity after `serve` is SIGKILLed under load and restarted, releasing the dead claims at once', async () => {
      const { api_key: key } = await createAccountByCli(fx.env);
      const first = startLeadhook(['serve'], fx.env);
      const base = (await first.waitFor(LISTENING))[1]!;
      const hook = await api(base, key, 'POST', '/webhooks', { url: fx.receiver.url(), events: ['lead:created'] });
      assert.equal(hook.status, 201);
      const pipeline = (await api(base, key, 'GET', '/pipelines')).body[0];

      const load = createLeadsInLoop(base, key, pipeline._id);
      await until(() => load.committed.length >= 150, 60_000, 'leads created');
      // From now on requests get no answer: whatever the worker sends stays in flight, claimed.
      const inFlight = fx.receiver.requests.length;
      fx.receiver.behave(() => {});
      await until(() => fx.receiver.requests.length > inFlight, 20_000, 'a request in flight');
      await first.kill('SIGKILL');
      await load.stop();
      const committed = [...load.committed];
      fx.receiver.behave((_req, res) => res.writeHead(200).end('ok'));

      const second = startLeadhook(['serve'], fx.env);
      await second.waitFor(LISTENING);
      // The restarted worker releases the killed process's claims when it starts (its process is
      // gone), instead of waiting for their lease (connect + 2 × timeout + 5 s) to run out.
      const released = await second.waitFor(/"released":(\d+),"from":"[^"]+","msg":"released the claims of stopped workers"/, 20_000);
      assert.ok(Number(released[1]) >= 1);
      await until(() => committed.every((id) => receivedLeads(fx.receiver).has(id)), 40_000, 'every committed lead delivered');
      await second.kill('SIGTERM');
      assert.ok(committed.length >= 150);
    });

    if (dialect === 'postgres') {
      it('shares the work between three workers and hands a killed worker’s deliveries to the others', async () => {
        fx.receiver.requests.length = 0;
        const at = new Map<string, number[]>();
        fx.receiver.behave((req, res) => {
          const id = String(req.headers['webhook-id']);
          at.set(id, [...(at.get(id) ?? []), Date.now()]);
          setTimeout(() => res.writeHead(200).end(), 30);
        });
        const { api_key: key } = await createAccountByCli(fx.env);
        const apiServer = startLeadhook(['serve', '--no-worker'], fx.env);
        const base = (await apiServer.waitFor(LISTENING))[1]!;
        await api(base, key, 'POST', '/webhooks', { url: fx.receiver.url('/shared') });
        const workers = [0, 1, 2].map(() => startLeadhook(['worker'], fx.env));
        await Promise.all(workers.map((w) => w.waitFor(/delivery worker started/)));
        const pipeline = (await api(base, key, 'GET', '/pipelines')).body[0];

        const load = createLeadsInLoop(base, key, pipeline._id);
        await until(() => load.committed.length >= 60, 60_000, 'first leads');
        await workers[0]!.kill('SIGKILL');
        const killedAt = Date.now();
        await until(() => load.committed.length >= 150, 60_000, 'more leads');
        await load.stop();
        const committed = load.committed;
        await until(() => committed.every((id) => receivedLeads(fx.receiver).has(id)), 40_000, 'every committed lead delivered');
        // The killed worker may have sent its last claims before dying without recording them: the
        // receiver then has every lead before a survivor's next heartbeat releases those claims.
        await Promise.any(workers.slice(1).map((w) => w.waitFor(/"msg":"released the claims of stopped workers"/, 20_000)));

        // A delivery is sent again only when the killed worker had sent it: the live workers
        // released its claims (its process is gone) and took them over; they never repeat each other.
        for (const [id, times] of at) {
          if (times.length > 1) assert.ok(times[0]! <= killedAt, `${id} was sent twice, first after the kill`);
        }
        const duplicates = [...at.values()].filter((t) => t.length > 1).length;
        assert.ok(duplicates <= 10, `at most the killed worker's in-flight deliveries repeat (got ${duplicates})`);
        await Promise.all([apiServer, ...workers.slice(1)].map((c) => c.kill('SIGTERM')));
      });
    }
  });
}
