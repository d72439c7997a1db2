// A worker paused (SIGSTOP) past its lease under load, then resumed (PostgreSQL, `serve
// --no-worker` + 2 workers): the other worker takes its deliveries over when the lease runs out,
// the resumed worker goes on without crashing, nothing is lost, and copies are bounded by what the
// paused worker held leased when it stopped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { killAll, useProcessFixture } from '../helpers/processes.ts';
import { onAbort } from './abort-cleanup.ts';
import { alive, deliveryCounts, splitDuplicates, logLines, startLoad, statusSummary, until, waitForDeliveries } from './fault-load.ts';
import { recoveredAt, startFleet } from './worker-fleet.ts';

/**
 * Lease = connect (1 s) + 2 × delivery timeout (2 s) + 5 s = 10 s; paused for longer than that.
 * The delivery timeout is 2 s, not 1: the receiver runs in this (loaded) process, and a CI run with
 * another test file beside this one saw 10 of its answers take over 1 s — retries that are copies
 * the pause did not cause, which the bound below counts all the same.
 */
const PAUSE_MS = 13_000;

// Children must not outlive a file the runner timed out (see abort-cleanup.ts).
onAbort(() => void killAll());

if (DIALECTS.includes('postgres')) {
  describe('worker paused past its lease [postgres]', () => {
    const fx = useProcessFixture('postgres', { LEADHOOK_DELIVERY_TIMEOUT_MS: '2000', LEADHOOK_CONNECT_TIMEOUT_MS: '1000' });

    it('hands the paused worker’s deliveries over, loses nothing, and the resumed worker carries on', async (t) => {
      const fleet = await startFleet(fx, 2, 150);
      const [paused, other] = fleet.workers as [(typeof fleet.workers)[0], (typeof fleet.workers)[0]];
      const load = startLoad(fleet.base, fleet.key, fleet.pipelineId);
      let held: string[] = [];
      let pausedAt = 0;
      let resumedAt = 0;
      try {
        await until(() => load.committed.length >= 60, 30_000, 'first leads');
        // Pause it while it holds deliveries (the test is about those); try again a few times if it holds none.
        for (let attempt = 0; attempt < 20 && held.length === 0; attempt++) {
          if (attempt > 0) {
            paused.child.process.kill('SIGCONT');
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          paused.child.process.kill('SIGSTOP');
          pausedAt = Date.now();
          // A statement it sent just before stopping may still commit: read what it holds a moment later.
          await new Promise((resolve) => setTimeout(resolve, 300));
          held = await fleet.leasedBy(paused.id);
        }
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        paused.child.process.kill('SIGCONT');
        resumedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      } finally {
        if (resumedAt === 0) paused.child.process.kill('SIGCONT');
        await load.stop();
      }
      const lost = await waitForDeliveries(fx.receiver, load.committed, 45_000);
      await new Promise((resolve) => setTimeout(resolve, 9_000));
      const { duplicates, perWebhookId } = deliveryCounts(fx.receiver);
      const split = splitDuplicates(perWebhookId, await fleet.retriedIds());
      const takenOver = recoveredAt(fleet.arrivals, held, pausedAt);
      const sentAfterResume = [...fleet.arrivals.values()].filter((times) => times.length > 1 && times.some((at) => at >= resumedAt)).length;
      const crashes = logLines(paused.child, (l) => l.level === 60 || /crashed/.test(String(l.msg))).length;
      t.diagnostic(`committed ${load.committed.length}; API answers: ${statusSummary(load.statuses)}`);
      t.diagnostic(`paused worker held ${held.length} leased; sent again by the other after ${takenOver === undefined ? 'never' : `${takenOver - pausedAt} ms`}`);
      t.diagnostic(`lost ${lost}, duplicates ${duplicates} (${split.retried} after a failed attempt on record, ${split.unexplained} otherwise; ${sentAfterResume} copies arrived after the resume)`);
      t.diagnostic(`failed attempts on record: ${JSON.stringify(await fleet.failedAttempts())}`);
      await fleet.close();

      assert.ok(alive(paused.child) && alive(other.child) && alive(fleet.server), 'every process is still up');
      assert.equal(crashes, 0, 'the resumed worker logged no crash');
      assert.ok(held.length > 0, 'the worker was paused while it held deliveries');
      assert.equal(lost, 0, 'every committed lead is delivered');
      // All copies count here: a paused worker's requests time out on its own clock when it resumes,
      // so "a failed attempt on record" does not tell the pause's copies from a slow receiver's.
      assert.ok(duplicates <= held.length, `duplicates (${duplicates}) ≤ held by the paused worker (${held.length})`);
    });
  });
}
