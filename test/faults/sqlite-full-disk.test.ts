// SQLite on a full disk under load: the API answers 503 with Retry-After (never 500), /readyz says
// the disk is full, the log says SQLITE_FULL (never "cannot rollback - no transaction is active"),
// the process stays up, and once space is freed everything committed is delivered, once. A clean
// stop leaves no -wal behind. How the disk fills depends on the user: see full-disk-targets.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { DIALECTS } from '../helpers/databases.ts';
import { api } from '../helpers/processes.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { deliveryCounts, RETRIED_IDS_SQL, splitDuplicates, startLoad, statusSummary, until, waitForDeliveries } from './fault-load.ts';
import { fullDiskTarget, type FullDiskTarget } from './full-disk-targets.ts';

if (DIALECTS.includes('sqlite')) {
  describe('SQLite on a full disk [sqlite]', () => {
    let target: FullDiskTarget | undefined;
    let receiver: Receiver | undefined;
    after(async () => {
      await target?.cleanup();
      await receiver?.close();
    });

    it('answers 503 while the disk is full, recovers when space is freed, loses nothing', async (t) => {
      receiver = await startReceiver();
      target = await fullDiskTarget();
      const { base, key } = target;
      assert.equal((await api(base, key, 'POST', '/webhooks', { url: receiver.url(), events: ['lead:created'] })).status, 201);
      const pipeline = (await api(base, key, 'GET', '/pipelines')).body[0];
      const load = startLoad(base, key, pipeline._id);
      // The WAL's size over the test, for the diagnostics: a WAL that never starts over fills a
      // small disk by itself, and then no checkpoint can fold it.
      const wal = path.join(target.dataDir, 'leadhook.db-wal');
      const walSizes = { peak: 0, atFill: 0, atFree: 0 };
      const walNow = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
      const sampler = setInterval(() => (walSizes.peak = Math.max(walSizes.peak, walNow())), 50);
      sampler.unref();
      let readyWhileFull: { status: number; body: any } | undefined;
      let recoveryMs: number | undefined;
      try {
        await until(() => load.committed.length >= 40, 60_000, 'first leads');
        walSizes.atFill = walNow();
        await target.fill();
        const filledAt = Date.now();
        await until(() => (load.statuses.get(503) ?? 0) >= 20 && Date.now() - filledAt >= 3_000, 60_000, '503s while the disk is full').catch(() => {});
        const ready = await fetch(`${base}/readyz`);
        readyWhileFull = { status: ready.status, body: await ready.json() };
        walSizes.atFree = walNow();
        await target.free();
        const freedAt = Date.now();
        await until(() => load.firstCommitAfter(freedAt) !== undefined, 30_000, 'a commit after freeing space').catch(() => {});
        const first = load.firstCommitAfter(freedAt);
        recoveryMs = first === undefined ? undefined : first - freedAt;
        t.diagnostic(`${target.how}: full for ${freedAt - filledAt} ms`);
        await until(() => load.committed.length >= 80, 30_000, 'leads after recovery').catch(() => {});
      } finally {
        await load.stop();
      }
      const lost = await waitForDeliveries(receiver, load.committed, 45_000);
      await new Promise((resolve) => setTimeout(resolve, 9_000));
      const { duplicates, perWebhookId } = deliveryCounts(receiver);
      const log = target.log();
      const fullLines = log.split('\n').filter((l) => l.includes('"kind":"disk_full"') && l.includes('"level":50')).length;
      t.diagnostic(`committed ${load.committed.length}; API answers: ${statusSummary(load.statuses)}`);
      t.diagnostic(`lost ${lost}, duplicates ${duplicates}; API committing again ${recoveryMs ?? 'never'} ms after space was freed`);
      t.diagnostic(`/readyz while full: ${readyWhileFull?.status} ${JSON.stringify(readyWhileFull?.body)}; disk-full log lines: ${fullLines}`);

      // Stop first, so the figures of a failed assertion below still include the clean stop.
      const alive = target.alive();
      const walBeforeStop = walNow();
      clearInterval(sampler);
      const started = Date.now();
      const exitCode = await target.stop();
      const walSize = walNow();
      t.diagnostic(`-wal: ${walSizes.atFill} bytes when the disk was filled, ${walSizes.atFree} when freed, peak ${walSizes.peak}, ${walBeforeStop} before the stop`);
      t.diagnostic(`clean stop (SIGTERM for a process) in ${Date.now() - started} ms (exit ${exitCode}); -wal after the stop: ${walSize} bytes`);

      const file = new SqliteDatabase(path.join(target.dataDir, 'leadhook.db'));
      const retried = new Set((file.prepare(RETRIED_IDS_SQL).all() as Array<{ activity_id: string }>).map((r) => r.activity_id));
      file.close();
      const split = splitDuplicates(perWebhookId, retried);
      t.diagnostic(`duplicates: ${split.retried} after a failed attempt on record, ${split.unexplained} otherwise`);

      assert.ok(alive, 'the server stayed up');
      assert.equal(exitCode, 0, 'a clean stop exits 0');
      assert.equal(walSize, 0, 'no -wal left to grow after a clean stop');
      assert.equal(load.statuses.get(500) ?? 0, 0, 'never 500 on a full disk');
      assert.ok((load.statuses.get(503) ?? 0) > 0, 'the API answered 503 while the disk was full');
      assert.equal(load.unavailableWithoutRetryAfter, 0, 'every 503 carries Retry-After');
      assert.equal(readyWhileFull?.status, 503);
      const database = readyWhileFull?.body.checks.find((c: { name: string }) => c.name === 'database');
      assert.deepEqual(database, { name: 'database', ok: false, detail: 'database disk is full (SQLITE_FULL)' });
      assert.ok(fullLines >= 1, 'the log says the disk is full');
      assert.doesNotMatch(log, /no transaction is active/, 'no error is masked by a failed ROLLBACK');
      assert.notEqual(recoveryMs, undefined, 'the API recovers once space is freed');
      assert.equal(lost, 0, 'every committed lead is delivered');
      assert.equal(split.unexplained, 0, 'no duplicate delivery without a crash (beyond retries of failed attempts)');
    });
  });
}
