// The health chart (`GET /webhooks/:id/stats`): settled hours are computed from their attempts once
// and kept; the hours not yet settled are read live; deleting the webhook and retention remove what
// was kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pruneExpired } from '../../src/delivery/store/maintenance.ts';
import { postgresSql } from '../../src/delivery/store/postgres.ts';
import { sqliteSql } from '../../src/delivery/store/sqlite.ts';
import { KEEP_HOURS_MS } from '../../src/delivery/webhook-stats.ts';
import { newId } from '../../src/shared/ids.ts';
import type { DeliveryAttemptRow } from '../../src/storage/schema.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness } from '../helpers/harness.ts';
import { WEBHOOK_ENV, createWebhook } from '../helpers/webhooks.ts';

const HOUR = 3_600_000;

/** Attempt records of `webhookId` started at `at`, one per duration; `failed` of them (the last ones) failed. */
async function attempts(h: Harness, accountId: string, webhookId: string, at: number, durations: number[], failed = 0): Promise<void> {
  const rows = durations.map(
    (duration, i): DeliveryAttemptRow => ({
      id: newId(new Date(at)), account_id: accountId, delivery_id: newId(new Date(at)), webhook_id: webhookId, activity_id: `a${i}`, type: 'note:created',
      attempt_number: 1, started_at: at + i, duration_ms: duration, request_url: 'http://127.0.0.1:9/hook', request_headers: '{}', request_body: '{}',
      succeeded: i >= durations.length - failed ? 0 : 1, response_status: 200, response_headers: '{}', response_body: '', response_truncated: 0,
      remote_address: null, error_category: null, error_message: null,
    }),
  );
  await h.ctx.db.insertInto('delivery_attempts').values(rows).execute();
}

for (const dialect of DIALECTS) {
  describe(`webhook health chart [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV);

    it('computes a settled hour once and keeps it, and reads the hours not yet settled live', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      // Half past an hour: the three hours before this one have settled, this one has not.
      const thisHour = Math.floor(h().clock.now().getTime() / HOUR) * HOUR + 5 * HOUR;
      h().clock.set(thisHour + 30 * 60_000);
      await attempts(h(), acct.accountId, hook._id, thisHour - 3 * HOUR, [40, 10, 30, 20], 1);
      await attempts(h(), acct.accountId, hook._id, thisHour - HOUR, [7]);
      await attempts(h(), acct.accountId, hook._id, thisHour, [100, 300, 200]);
      const stats = async () => (await acct.api('GET', `/webhooks/${hook._id}/stats?hours=4`)).body.buckets;

      const expected = [
        { hour: new Date(thisHour - 3 * HOUR).toISOString(), attempts: 4, succeeded: 3, failed: 1, success_rate: 0.75, p50_ms: 20, p95_ms: 40 },
        { hour: new Date(thisHour - 2 * HOUR).toISOString(), attempts: 0, succeeded: 0, failed: 0, success_rate: null, p50_ms: null, p95_ms: null },
        { hour: new Date(thisHour - HOUR).toISOString(), attempts: 1, succeeded: 1, failed: 0, success_rate: 1, p50_ms: 7, p95_ms: 7 },
        { hour: new Date(thisHour).toISOString(), attempts: 3, succeeded: 3, failed: 0, success_rate: 1, p50_ms: 200, p95_ms: 300 },
      ];
      assert.deepEqual(await stats(), expected);
      const kept = await h().ctx.db.selectFrom('webhook_hour_stats').select('hour').where('webhook_id', '=', hook._id).orderBy('hour').execute();
      assert.deepEqual(kept.map((r) => Number(r.hour)), [thisHour - 3 * HOUR, thisHour - 2 * HOUR, thisHour - HOUR]);

      // Kept hours are read from their row, no longer from the attempts; the open hour is read live.
      await h().ctx.db.deleteFrom('delivery_attempts').where('webhook_id', '=', hook._id).where('started_at', '<', thisHour).execute();
      await attempts(h(), acct.accountId, hook._id, thisHour + 60_000, [400], 1);
      const live = { ...expected[3]!, attempts: 4, failed: 1, success_rate: 0.75, p95_ms: 400 };
      assert.deepEqual(await stats(), [...expected.slice(0, 3), live]);

      // Ten minutes after it ends the hour has settled: the next call computes and keeps it.
      h().clock.set(thisHour + HOUR + 10 * 60_000);
      assert.deepEqual((await stats())[2], live);
      await h().ctx.db.deleteFrom('delivery_attempts').where('webhook_id', '=', hook._id).execute();
      const buckets = await stats();
      assert.deepEqual(buckets[2], live);
      assert.equal(buckets[3].attempts, 0);
    });

    it('removes the kept hours with the webhook, and once older than any window the chart shows', async () => {
      const acct = await h().account();
      const deleted = await createWebhook(acct, { url: 'http://127.0.0.1:9/deleted' });
      const kept = await createWebhook(acct, { url: 'http://127.0.0.1:9/kept' });
      const thisHour = Math.floor(h().clock.now().getTime() / HOUR) * HOUR + 2 * HOUR;
      h().clock.set(thisHour + 30 * 60_000);
      for (const hook of [deleted, kept]) {
        await attempts(h(), acct.accountId, hook._id, thisHour - HOUR, [5]);
        assert.equal((await acct.api('GET', `/webhooks/${hook._id}/stats?hours=2`)).status, 200);
      }
      const hoursOf = async (webhookId: string) =>
        (await h().ctx.db.selectFrom('webhook_hour_stats').select('hour').where('webhook_id', '=', webhookId).execute()).length;
      assert.deepEqual([await hoursOf(deleted._id), await hoursOf(kept._id)], [1, 1]);

      assert.equal((await acct.api('DELETE', `/webhooks/${deleted._id}`)).status, 200);
      assert.deepEqual([await hoursOf(deleted._id), await hoursOf(kept._id)], [0, 1]);

      const expired = h().dialect === 'sqlite' ? sqliteSql.expired : postgresSql.expired;
      await pruneExpired(h().ctx.db, expired, { now: thisHour - HOUR + KEEP_HOURS_MS, retentionDays: 30 });
      assert.equal(await hoursOf(kept._id), 1, 'kept while a window can still show it');
      await pruneExpired(h().ctx.db, expired, { now: thisHour - HOUR + KEEP_HOURS_MS + 1, retentionDays: 30 });
      assert.equal(await hoursOf(kept._id), 0);
    });
  });
}
