// The delivery store against the live schema: the claim's lane conditions, retention in bounded
// batches, releasing the claims of dead workers, and the periodic statements (retention, the
// /metrics gauges) reading through indexes rather than every delivery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { inLeadOrder, LANE_CONDITION, LANES, LEAD_ORDER_CONDITION } from '../../src/delivery/store/claim.ts';
import { createDeliveryStore } from '../../src/delivery/store/delivery-store.ts';
import { PRUNE_BATCH } from '../../src/delivery/store/maintenance.ts';
import { deliveriesQuery, errorsQuery } from '../../src/delivery/deliveries.repository.ts';
import { countFailed } from '../../src/delivery/metrics.ts';
import { FAILED_CONDITION } from '../../src/delivery/store/failed.ts';
import { countFailedSince } from '../../src/delivery/store/requeue.ts';
import { postgresSql } from '../../src/delivery/store/postgres.ts';
import { writeResultsInOneStatement } from '../../src/delivery/store/postgres-results.ts';
import type { FinishedAttempt } from '../../src/delivery/store/results.ts';
import { sqliteSql } from '../../src/delivery/store/sqlite.ts';
import { newDeliveryRow } from '../../src/delivery/store/rows.ts';
import { STALE_AFTER_MS } from '../../src/delivery/store/workers.ts';
import { WakeSignal } from '../../src/delivery/wakeup.ts';
import { newId } from '../../src/shared/ids.ts';
import type { DeliveryAttemptRow, Schema } from '../../src/storage/schema.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { call, useHarness, type Harness } from '../helpers/harness.ts';
import { explain } from '../helpers/query-plan.ts';
import { WEBHOOK_ENV, createWebhook, noJitter } from '../helpers/webhooks.ts';

/** `((status = 'pending'::text) AND (attempts = 0))` and `status = 'pending' and attempts = 0` alike. */
const normalise = (predicate: string) => predicate.toLowerCase().replace(/::[a-z ]+/g, '').replace(/[()\s]/g, '');

async function indexPredicates(h: Harness, names = LANES.map((lane) => `deliveries_${lane}_due`)): Promise<Record<string, string>> {
  if (h.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and name in (${sql.join(names)})`.execute(h.ctx.db);
    return Object.fromEntries(rows.map((r) => [r.name, r.sql.replace(/^.* where /is, '')]));
  }
  const { rows } = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where indexname in (${sql.join(names)})`.execute(h.ctx.db);
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(/^.* WHERE /s, '')]));
}

/** Inserts deliveries straight into the table (the outbox's own row builder). */
async function insertRows(h: Harness, accountId: string, webhookId: string, count: number, fields: Record<string, unknown> = {}): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({
    ...newDeliveryRow({ account_id: accountId, webhook_id: webhookId, activity_id: newId(h.clock.now()), type: 'note:created', body: '{}', is_test: 0 }, h.clock.now()),
    ...fields,
  }));
  for (let i = 0; i < rows.length; i += 500) await h.ctx.db.insertInto('deliveries').values(rows.slice(i, i + 500)).execute();
  return rows.map((r) => r.id);
}

for (const dialect of DIALECTS) {
  describe(`delivery store [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV, { overrides: noJitter });

    it("claims with the same lane conditions as migration 003's partial indexes", async () => {
      const predicates = await indexPredicates(h());
      assert.deepEqual(
        Object.fromEntries(Object.entries(predicates).map(([name, p]) => [name, normalise(p)])),
        Object.fromEntries(LANES.map((lane) => [`deliveries_${lane}_due`, normalise(LANE_CONDITION[lane])])),
      );
    });

    it("probes a lead's earlier pending deliveries with the same condition as migration 018's partial index", async () => {
      const predicates = await indexPredicates(h(), ['deliveries_lead_order']);
      assert.deepEqual(Object.keys(predicates), ['deliveries_lead_order']);
      assert.equal(normalise(predicates.deliveries_lead_order!), normalise(LEAD_ORDER_CONDITION));
    });

    it("probes by lead, then webhook (migration 026): an activity's deliveries to every webhook share one place in the index", async () => {
      if (h().dialect === 'sqlite') {
        const probe = sql`select id from deliveries where id = ${'x'} ${inLeadOrder(sql.raw('deliveries as prior indexed by deliveries_lead_order'))}`.compile(h().ctx.db);
        const plan = await explain(h(), probe);
        assert.match(plan, /SEARCH prior USING (COVERING )?INDEX deliveries_lead_order \(lead_id=\? AND webhook_id=\? AND lead_seq/, plan);
      } else {
        const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'deliveries_lead_order'`.execute(h().ctx.db);
        assert.match(rows[0]?.indexdef ?? '', /\(lead_id, webhook_id, lead_seq\)/);
      }
    });

    it('removes expired deliveries together with their attempts, in bounded batches, orphaning none', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      const old = h().clock.now().getTime() - 40 * 86_400_000;
      const expired = await insertRows(h(), acct.accountId, hook._id, 3 * PRUNE_BATCH, { status: 'succeeded', attempts: 1, created_at: old });
      const kept = await insertRows(h(), acct.accountId, hook._id, 3, { status: 'succeeded', attempts: 1 });
      const stillPending = await insertRows(h(), acct.accountId, hook._id, 2, { created_at: old });
      const attempts = [...expired, ...kept].map((deliveryId, i): DeliveryAttemptRow => ({
        id: newId(h().clock.now()), account_id: acct.accountId, delivery_id: deliveryId, webhook_id: hook._id, activity_id: `a${i}`, type: 'note:created',
        attempt_number: 1, started_at: old, duration_ms: 1, request_url: 'http://127.0.0.1:9/hook', request_headers: '{}', request_body: '{}',
        succeeded: 1, response_status: 200, response_headers: '{}', response_body: '', response_truncated: 0, remote_address: null, error_category: null, error_message: null,
      }));
      for (let i = 0; i < attempts.length; i += 500) await h().ctx.db.insertInto('delivery_attempts').values(attempts.slice(i, i + 500)).execute();

      const store = createDeliveryStore(h().ctx.database, new WakeSignal());
      assert.equal(await store.pruneExpired({ now: h().clock.now().getTime(), retentionDays: 30 }), 3 * PRUNE_BATCH);

      const left = await h().ctx.db.selectFrom('deliveries').select('id').where('webhook_id', '=', hook._id).execute();
      assert.deepEqual(left.map((r) => r.id).sort(), [...kept, ...stillPending].sort());
      const { rows: orphans } = await sql<{ n: number }>`select count(*) as n from delivery_attempts a
        where not exists (select 1 from deliveries d where d.id = a.delivery_id)`.execute(h().ctx.db);
      assert.equal(Number(orphans[0]!.n), 0);
      const attemptsLeft = await h().ctx.db.selectFrom('delivery_attempts').select('delivery_id').where('webhook_id', '=', hook._id).execute();
      assert.deepEqual(attemptsLeft.map((r) => r.delivery_id).sort(), [...kept].sort());
    });

    it("finds expired deliveries through each webhook's index, never by reading every delivery", async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      // Finished deliveries, none of them expired: what retention finds on most of its runs.
      await insertRows(h(), acct.accountId, hook._id, 5_000, { status: 'succeeded', attempts: 1 });
      const cutoff = h().clock.now().getTime() - 30 * 86_400_000;
      const expired = (h().dialect === 'sqlite' ? sqliteSql : postgresSql).expired(cutoff, PRUNE_BATCH);
      const plan = await explain(h(), expired.compile(h().ctx.db));
      if (h().dialect === 'sqlite') assert.match(plan, /^SCAN w\b.*\nSEARCH d USING INDEX deliveries_webhook \(webhook_id=\? AND created_at<\?\)$/s, plan);
      else assert.match(plan, /Index Scan using deliveries_webhook on deliveries[^\n]*\n\s*Index Cond: \(\(webhook_id = w\.id\) AND \(created_at < /, plan);
      assert.doesNotMatch(plan, /SCAN d\b|Seq Scan on deliveries/, plan);
      assert.deepEqual((await expired.execute(h().ctx.db)).rows, []);
    });

    it('counts pending and failed deliveries for /metrics, the failed ones through their index', async () => {
      const gauge = async (status: string) => {
        const text = String((await call(h().app, 'GET', '/metrics')).body);
        return Number(new RegExp(`^leadhook_deliveries\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
      };
      const [pendingBefore, failedBefore] = [await gauge('pending'), await gauge('failed')];
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      await insertRows(h(), acct.accountId, hook._id, 3);
      await insertRows(h(), acct.accountId, hook._id, 2, { status: 'failed', attempts: 5 });
      await insertRows(h(), acct.accountId, hook._id, 2_000, { status: 'succeeded', attempts: 1 });
      assert.deepEqual([await gauge('pending'), await gauge('failed')], [pendingBefore + 3, failedBefore + 2]);
      assert.doesNotMatch(String((await call(h().app, 'GET', '/metrics')).body), /leadhook_deliveries\{status="succeeded"\}/);
      const plan = await explain(h(), countFailed().compile(h().ctx.db));
      if (h().dialect === 'sqlite') assert.match(plan, /^SCAN w\b.*\nSEARCH d USING COVERING INDEX deliveries_failed \(webhook_id=\?\)$/s, plan);
      else assert.match(plan, /deliveries_failed/, plan);
      assert.doesNotMatch(plan, /SCAN d\b|Seq Scan on deliveries/, plan);
    });

    // SQLite updates rows in place and has no fill factor.
    if (dialect === 'postgres') {
      it('leaves room on the page of each delivery, so that the claim updates it in place (a HOT update)', async () => {
        const { rows: options } = await sql<{ reloptions: string[] | null }>`select reloptions from pg_class where relname = 'deliveries'`.execute(h().ctx.db);
        assert.deepEqual(options[0]?.reloptions, ['fillfactor=50']);
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
        // A body the size of a note's webhook payload: few rows per page, as in production.
        const ids = await insertRows(h(), acct.accountId, hook._id, 200, { body: JSON.stringify({ padding: 'x'.repeat(1_200) }) });
        const pages = async () => {
          const { rows } = await sql<{ id: string; page: string }>`select id, (ctid::text::point)[0]::bigint as page from deliveries where id in (${sql.join(ids)})`.execute(h().ctx.db);
          return new Map(rows.map((r) => [r.id, String(r.page)]));
        };
        const before = await pages();
        const store = createDeliveryStore(h().ctx.database, new WakeSignal());
        const now = h().clock.now().getTime();
        const claimed = await store.claim({ lane: 'first', rooms: new Map([[hook._id, 200]]), ordered: new Set(), now, leaseMs: 60_000, workerId: 'w1', leaseToken: 'w1.1' });
        assert.equal(claimed.length, 200);
        const after = await pages();
        const stayed = ids.filter((id) => before.get(id) === after.get(id)).length;
        // At fill factor 100 nearly every claimed row moves to a new page (and into every index again).
        assert.ok(stayed >= 190, `${stayed} of 200 claimed rows stayed on their page`);
      });
      it('finds each result\'s delivery by its key, however small the table was when the connection first wrote results', async () => {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
        const store = createDeliveryStore(h().ctx.database, new WakeSignal());
        const now = h().clock.now().getTime();
        let claims = 0;
        /** Claims `n` and writes their results on `conn`; answers how many rows of `deliveries` the results statement scanned sequentially. */
        const claimAndRecord = async (conn: Kysely<Schema>, n: number) => {
          await insertRows(h(), acct.accountId, hook._id, n);
          const token = `w1.${++claims}`;
          const claimed = await store.claim({ lane: 'first', rooms: new Map([[hook._id, n]]), ordered: new Set(), now, leaseMs: 60_000, workerId: 'w1', leaseToken: token });
          const finished = claimed.map((delivery): FinishedAttempt => ({
            delivery,
            url: 'http://127.0.0.1:9/hook',
            requestHeaders: {},
            outcome: { kind: 'delivered', response: { status: 200, headers: {}, body: '', truncated: false } },
            startedAt: now,
            durationMs: 1,
            remoteAddress: null,
            next: { status: 'succeeded' },
            pauseUntil: null,
            holdsLead: false,
          }));
          // The backend's own counts not yet sent to the statistics: they add up across its
          // transactions until sent, which never happens inside one.
          const scanned = async () =>
            Number((await sql<{ n: string }>`select seq_tup_read as n from pg_stat_xact_user_tables where relname = 'deliveries'`.execute(conn)).rows[0]?.n ?? 0);
          await sql`begin`.execute(conn);
          try {
            const before = await scanned();
            assert.equal((await writeResultsInOneStatement(conn, finished, now)).length, n);
            return (await scanned()) - before;
          } finally {
            await sql`commit`.execute(conn);
          }
        };
        await h().ctx.db.connection().execute(async (conn) => {
          // PostgreSQL keeps a generic plan for a named statement from about its sixth run on.
          for (let i = 0; i < 8; i++) await claimAndRecord(conn, 5);
          await insertRows(h(), acct.accountId, hook._id, 5_000, { status: 'succeeded', attempts: 1 });
          assert.equal(await claimAndRecord(conn, 5), 0, 'no row of deliveries is read by a sequential scan');
        });
      });
    }

    it('keeps an index of failed deliveries only, and finds them through it with its own condition', async () => {
      const predicates = await indexPredicates(h(), ['deliveries_failed', 'deliveries_webhook_status']);
      assert.deepEqual(Object.keys(predicates), ['deliveries_failed']);
      assert.equal(normalise(predicates.deliveries_failed!), normalise(FAILED_CONDITION));
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      await insertRows(h(), acct.accountId, hook._id, 2_000, { status: 'succeeded', attempts: 1 });
      const failed: string[] = [];
      for (let i = 0; i < 3; i++) {
        h().clock.advance(1_000);
        failed.push(...(await insertRows(h(), acct.accountId, hook._id, 1, { status: 'failed', attempts: 5 })));
      }
      const log = deliveriesQuery(h().ctx.db, acct.accountId, hook._id, { status: 'failed' }, 50, 0);
      assert.deepEqual((await log.execute()).map((d) => d.id), [...failed].reverse());
      const plan = await explain(h(), log.compile());
      if (h().dialect === 'sqlite') assert.match(plan, /^SEARCH deliveries USING INDEX deliveries_failed \(webhook_id=\?\)$/, plan);
      else assert.match(plan, /Index Scan Backward using deliveries_failed on deliveries/, plan);
      assert.doesNotMatch(plan, /TEMP B-TREE|Sort|Seq Scan/, plan);
      assert.equal(await countFailedSince(h().ctx.db, hook._id, 0), 3);
    });

    it("indexes failed attempts only for the Error Log, and reads the Error Log in that index's order", async () => {
      const predicates = await indexPredicates(h(), ['attempts_failed', 'attempts_errors']);
      assert.deepEqual(Object.keys(predicates), ['attempts_failed']);
      assert.equal(normalise(predicates.attempts_failed!), 'succeeded=0');
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      const at = h().clock.now().getTime();
      const attempts = Array.from({ length: 2_020 }, (_, i): DeliveryAttemptRow => ({
        id: newId(h().clock.now()), account_id: acct.accountId, delivery_id: `d${i}`, webhook_id: hook._id, activity_id: `a${i}`, type: 'note:created',
        attempt_number: 1, started_at: at + (i % 1_000), duration_ms: 1, request_url: 'http://127.0.0.1:9/hook', request_headers: '{}', request_body: '{}',
        succeeded: i < 20 ? 0 : 1, response_status: i < 20 ? 500 : 200, response_headers: '{}', response_body: '', response_truncated: 0, remote_address: null, error_category: null, error_message: null,
      }));
      for (let i = 0; i < attempts.length; i += 500) await h().ctx.db.insertInto('delivery_attempts').values(attempts.slice(i, i + 500)).execute();

      const page = await errorsQuery(h().ctx.db, acct.accountId, undefined, 50, 0).execute();
      const failed = attempts.filter((a) => a.succeeded === 0);
      const newestFirst = [...failed].sort((a, b) => b.started_at - a.started_at || (a.id < b.id ? 1 : -1));
      assert.deepEqual(page.map((a) => a.id), newestFirst.map((a) => a.id));
      const plan = await explain(h(), errorsQuery(h().ctx.db, acct.accountId, undefined, 50, 0).compile());
      if (h().dialect === 'sqlite') assert.equal(plan, 'SEARCH delivery_attempts USING INDEX attempts_failed (account_id=?)');
      else assert.match(plan, /Index Scan Backward using attempts_failed on delivery_attempts/, plan);
      assert.doesNotMatch(plan, /TEMP B-TREE|Sort|Seq Scan/, plan);
    });

    it('releases the claims of a worker whose heartbeat stopped, and of one whose process on this host is gone', async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      const db = h().ctx.db;
      const worker = h().worker();
      // This worker beats first; it judges others' silence only once it has beaten for STALE_AFTER_MS
      // itself (after a database outage every worker looks silent).
      await worker.heartbeat();
      const lease = { lease_until: h().clock.now().getTime() + 600_000 };
      const silent = await insertRows(h(), acct.accountId, hook._id, 2, { ...lease, leased_by: 'worker-silent', lease_token: 'worker-silent.1' });
      const gone = await insertRows(h(), acct.accountId, hook._id, 2, { ...lease, leased_by: 'worker-gone', lease_token: 'worker-gone.1' });
      const alive = await insertRows(h(), acct.accountId, hook._id, 2, { ...lease, leased_by: 'worker-alive', lease_token: 'worker-alive.1' });
      const host = (await import('node:os')).hostname();
      const now = h().clock.now().getTime();
      await db.insertInto('delivery_workers').values([
        // Another host, silent for longer than STALE_AFTER_MS.
        { id: 'worker-silent', host: 'elsewhere', pid: process.pid, started_at: 0, heartbeat_at: now - STALE_AFTER_MS - 1 },
        // This host, fresh heartbeat, but its process is no more (pid 2^22 + 1 is above Linux's pid_max).
        { id: 'worker-gone', host, pid: 4_194_305, started_at: 0, heartbeat_at: now },
      ]).execute();
      const releasedNow = async () =>
        (await db.selectFrom('deliveries').select(['id', 'leased_by', 'lease_token']).where('webhook_id', '=', hook._id).execute())
          .filter((r) => r.leased_by === null && r.lease_token === null)
          .map((r) => r.id)
          .sort();

      await worker.heartbeat();
      assert.deepEqual(await releasedNow(), [...gone].sort(), 'a gone process at once; silence not yet judged');

      h().clock.advance(STALE_AFTER_MS);
      // Another host, beating.
      await db.insertInto('delivery_workers').values({ id: 'worker-alive', host: 'elsewhere', pid: 1, started_at: 0, heartbeat_at: h().clock.now().getTime() - 1_000 }).execute();
      await worker.heartbeat();
      assert.deepEqual(await releasedNow(), [...silent, ...gone].sort());
      const leased = await db.selectFrom('deliveries').select(['id', 'leased_by']).where('webhook_id', '=', hook._id).execute();
      assert.ok(alive.every((id) => leased.find((r) => r.id === id)?.leased_by === 'worker-alive'));
      const known = await db.selectFrom('delivery_workers').select('id').where('id', 'in', ['worker-silent', 'worker-gone', 'worker-alive']).execute();
      assert.deepEqual(known.map((r) => r.id), ['worker-alive']);
      await db.deleteFrom('delivery_workers').execute();
    });
    if (dialect === 'sqlite') {
      it('runs one SQLite worker: refuses to start beside a live process, and at start releases what a previous process left', async () => {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
        const db = h().ctx.db;
        const now = h().clock.now().getTime();
        const host = (await import('node:os')).hostname();
        const left = await insertRows(h(), acct.accountId, hook._id, 3, { lease_until: now + 600_000, leased_by: 'worker-killed', lease_token: 'worker-killed.7' });

        await db.insertInto('delivery_workers').values({ id: 'worker-rival', host, pid: process.ppid, started_at: now, heartbeat_at: now }).execute();
        const refused = h().ctx.createWorker({ pollIntervalMs: 60_000 });
        await assert.rejects(refused.start(), /another leadhook process \(pid \d+\) runs the delivery worker/);
        await refused.stop(0);
        const stillLeased = await db.selectFrom('deliveries').select('id').where('leased_by', '=', 'worker-killed').execute();
        assert.equal(stillLeased.length, 3, 'a refused start changes nothing');

        // The rival is gone (its row says so: a pid that no longer runs); the killed worker had no row at all.
        await db.updateTable('delivery_workers').set({ pid: 4_194_305 }).where('id', '=', 'worker-rival').execute();
        const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
        await worker.start();
        await worker.stop(0);
        const rows = await db.selectFrom('deliveries').select(['id', 'leased_by']).where('id', 'in', left).execute();
        assert.deepEqual(rows.map((r) => r.leased_by), [null, null, null]);
        assert.deepEqual(await db.selectFrom('delivery_workers').select('id').execute(), []);
      });
    }
  });
}
