// A worker SIGKILL loop under load (PostgreSQL, `serve --no-worker` + 3 workers, one killed and
// replaced every ~2 s, 3 times): nothing committed is lost, and what is delivered twice is
// bounded by what the killed workers held leased (claimed, not recorded) when they died.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { killAll, useProcessFixture } from '../helpers/processes.ts';
import { onAbort } from './abort-cleanup.ts';
import { alive, deliveryCounts, splitDuplicates, startLoad, statusSummary, until, waitForDeliveries } from './fault-load.ts';
import { recoveredAt, startFleet } from './worker-fleet.ts';

const KILLS = 3;

// Children must not outlive a file the runner timed out (see abort-cleanup.ts).
onAbort(() => void killAll());

if (DIALECTS.includes('postgres')) {
  describe('worker SIGKILL loop under load [postgres]', () => {
    const fx = useProcessFixture('postgres', { LEADHOOK_DELIVERY_TIMEOUT_MS: '1000', LEADHOOK_CONNECT_TIMEOUT_MS: '1000' });

    it('loses nothing and duplicates at most what the killed workers had in flight', async (t) => {
      const fleet = await startFleet(fx, 3, 100);
      const load = startLoad(fleet.base, fleet.key, fleet.pipelineId);
      const kills: Array<{ at: number; held: string[] }> = [];
      try {
        await until(() => load.committed.length >= 20, 60_000, 'first leads');
        // Replacements start in the background (a start takes long on a busy machine); a round kills
        // the oldest running worker, and only while another one runs.
        const running = [...fleet.workers];
        const starting: Array<Promise<void>> = [];
        for (let round = 0; round < KILLS; round++) {
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          await until(() => running.length >= 2, 90_000, 'a second running worker');
          const victim = running.shift()!;
          const at = Date.now();
          await victim.child.kill('SIGKILL');
          // Read after the kill: a dead worker changes nothing, so this is exactly what it held.
          kills.push({ at, held: await fleet.leasedBy(victim.id) });
          starting.push(fleet.startWorker().then((w) => void running.push(w)));
        }
        await Promise.all(starting);
        fleet.workers.splice(0, fleet.workers.length, ...running);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      } finally {
        await load.stop();
        if (kills.length < KILLS) await fleet.close();
      }
      const lost = await waitForDeliveries(fx.receiver, load.committed, 45_000);
      // A copy sent again after a lease ran out arrives within a lease (1 + 2 × 1 + 5 s).
      await new Promise((resolve) => setTimeout(resolve, 9_000));
      const { duplicates, perWebhookId } = deliveryCounts(fx.receiver);
      const split = splitDuplicates(perWebhookId, await fleet.retriedIds());
      const inFlight = kills.reduce((n, k) => n + k.held.length, 0);
      const recoveries = kills.map((k) => recoveredAt(fleet.arrivals, k.held, k.at)).map((r, i) => (r === undefined ? 'never' : `${r - kills[i]!.at} ms`));
      t.diagnostic(`committed ${load.committed.length}; API answers: ${statusSummary(load.statuses)}`);
      t.diagnostic(`${KILLS} SIGKILLs; held leased at each kill: ${kills.map((k) => k.held.length).join(', ')} (in flight ${inFlight})`);
      t.diagnostic(`lost ${lost}, duplicates ${duplicates} (${split.retried} after a failed attempt on record, ${split.unexplained} otherwise); the killed workers' deliveries sent again after: ${recoveries.join(', ')}`);
      await fleet.close();

      assert.ok(alive(fleet.server), 'the API stays up');
      for (const w of fleet.workers) assert.ok(alive(w.child), 'the other workers stay up');
      assert.equal(lost, 0, 'every committed lead is delivered');
      assert.ok(split.unexplained <= inFlight, `duplicates not retried on purpose (${split.unexplained}) ≤ in flight at the kills (${inFlight})`);
    });
  });
}
