// Delivery state under faults (docs/WEBHOOKS.md, "Delivery state and faults"): fencing by lease
// token, result writes retried rather than dropped, and several workers on one database sending
// nothing twice.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness, type TestAccount } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, actorOf, createLead, createWebhook, noJitter } from '../helpers/webhooks.ts';
import { until } from '../helpers/until.ts';

async function notes(h: Harness, acct: TestAccount, leadId: string, count: number): Promise<void> {
  await h.ctx.recorder.transaction(async (tx) => {
    for (let i = 0; i < count; i++) await tx.record(actorOf(acct), leadId, [{ type: 'note:created', fields: { note_content: `n${i}` } }]);
  });
}

const attemptsOf = (h: Harness, webhookId: string) =>
  h.ctx.db.selectFrom('delivery_attempts').select(['delivery_id', 'succeeded', 'response_status']).where('webhook_id', '=', webhookId).execute();
const emailsOf = (h: Harness, webhookId: string) => h.ctx.db.selectFrom('email_outbox').select('id').where('webhook_id', '=', webhookId).execute();

for (const dialect of DIALECTS) {
  describe(`delivery faults [${dialect}]`, () => {
    // Lease = connect 1 s + 2 × 5 s + 5 s = 16 s.
    const env = { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '5000', LEADHOOK_CONNECT_TIMEOUT_MS: '1000' };
    const h = useHarness(dialect, env, { overrides: noJitter });

    it('discards the late result of a worker that lost its lease: no attempt row, no email, no state change', async () => {
      let held: ServerResponse | undefined;
      const receiver = await startReceiver((_req, res) => {
        if (!held) held = res; // worker A's request hangs until the test answers it
        else res.writeHead(200).end('ok');
      });
      const a = h().ctx.createWorker();
      const b = h().ctx.createWorker();
      try {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url(), events: ['lead:created'] });
        await createLead(acct);
        const roundA = a.runOnce();
        await receiver.waitFor(1);
        // A stalls past its lease (paused, cut off); B takes the delivery over and delivers it.
        h().clock.advance(17_000);
        assert.equal(await b.runOnce(), 1);
        assert.equal(receiver.requests.length, 2);
        // A comes back with a failure for a delivery that is no longer its own.
        held!.writeHead(500).end('too late');
        await roundA;

        const attempts = await attemptsOf(h(), hook._id);
        assert.deepEqual(attempts.map((x) => [x.succeeded, x.response_status]), [[1, 200]]);
        const delivery = await h().ctx.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', hook._id).executeTakeFirstOrThrow();
        assert.deepEqual([delivery.status, delivery.attempts, delivery.last_status], ['succeeded', 1, 200]);
        const webhook = await h().ctx.db.selectFrom('webhooks').selectAll().where('id', '=', hook._id).executeTakeFirstOrThrow();
        assert.deepEqual([webhook.last_attempt_status, webhook.failing_since, webhook.errors_since_email], ['succeeded', null, 0]);
        assert.deepEqual(await emailsOf(h(), hook._id), []);
      } finally {
        held?.end();
        await a.stop(0);
        await b.stop(0);
        await receiver.close();
      }
    });

    it('retries a failed result write instead of dropping it: recorded once, never sent again', async () => {
      const receiver = await startReceiver();
      let failures = 0;
      const worker = h().ctx.createWorker({
        wrapStore: (store) => ({
          ...store,
          async recordResults(finished, health) {
            if (failures === 0) {
              failures += 1;
              throw new Error('injected: could not serialize access');
            }
            return store.recordResults(finished, health);
          },
        }),
      });
      try {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url(), events: ['lead:created'] });
        await createLead(acct);
        assert.equal(await worker.runOnce(), 1);
        assert.equal(failures, 1, 'the first write failed');
        assert.equal(receiver.requests.length, 1);
        const attempts = await attemptsOf(h(), hook._id);
        assert.deepEqual(attempts.map((x) => x.succeeded), [1]);
        // Past the lease: nothing is due again, so nothing is sent again.
        h().clock.advance(60_000);
        assert.equal(await worker.drain(), 0);
        assert.equal(receiver.requests.length, 1);
      } finally {
        await worker.stop(0);
        await receiver.close();
      }
    });

    it('survives the database being away (claims, writes, heartbeats failing) and resumes without losing or repeating a delivery', async () => {
      const receiver = await startReceiver();
      let down = false;
      const failures: string[] = [];
      const worker = h().ctx.createWorker({
        pollIntervalMs: 200,
        // Every store call fails while `down`, as when the database restarts.
        wrapStore: (store) =>
          new Proxy(store, {
            get(target, name, receiverArg) {
              const value = Reflect.get(target, name, receiverArg);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                if (!down) return (value as (...a: unknown[]) => unknown).apply(target, args);
                failures.push(String(name));
                return Promise.reject(new Error('Connection terminated unexpectedly'));
              };
            },
          }),
      });
      try {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'] });
        const lead = await createLead(acct);
        await worker.start();
        await notes(h(), acct, lead._id, 20);
        await receiver.waitFor(1);
        down = true;
        await notes(h(), acct, lead._id, 20);
        await until(() => failures.includes('webhooksWithDueWork') && !worker.health().ok, 'the worker noticed the outage');
        if (dialect === 'postgres') {
          // The LISTEN connection goes too; it must come back by itself.
          await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`.execute(h().ctx.db);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        down = false;
        await notes(h(), acct, lead._id, 20);
        await until(async () => {
          const rows = await h().ctx.db.selectFrom('deliveries').select('status').where('webhook_id', '=', hook._id).execute();
          return rows.length === 60 && rows.every((r) => r.status === 'succeeded');
        }, 'every delivery recorded after the outage');
        const ids = receiver.requests.map((r) => String(r.headers['webhook-id']));
        assert.equal(ids.length, 60, 'nothing sent twice');
        assert.equal(new Set(ids).size, 60);
        const attempts = await attemptsOf(h(), hook._id);
        assert.equal(attempts.length, 60);
        await until(() => worker.health().ok, 'the worker reports healthy again');
      } finally {
        down = false;
        await worker.stop(1000);
        await receiver.close();
      }
    });
  });

  describe(`several workers on one database [${dialect}]`, () => {
    // A long timeout: on a loaded machine a slow answer must not turn into a legitimate retry.
    const h = useHarness(dialect, { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '30000' }, { overrides: noJitter });

    it('three workers under steady load to several webhooks send no (webhook, webhook-id) twice', async () => {
      const receiver = await startReceiver();
      const workers: DeliveryWorker[] = [0, 1, 2].map(() => h().ctx.createWorker({ pollIntervalMs: 200 }));
      try {
        const acct = await h().account();
        const hooks = [];
        for (let i = 0; i < 5; i++) hooks.push(await createWebhook(acct, { url: receiver.url(`/hook${i}`), events: ['note:created'] }));
        const lead = await createLead(acct);
        await Promise.all(workers.map((w) => w.start()));
        // 30 transactions of 6 notes, 5 webhooks each: 900 deliveries arriving while the workers run.
        for (let i = 0; i < 30; i++) {
          await notes(h(), acct, lead._id, 6);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await receiver.waitFor(900, 60_000);
        await until(async () => {
          const row = await h().ctx.db.selectFrom('delivery_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', acct.accountId).where('type', '=', 'note:created').executeTakeFirstOrThrow();
          return Number(row.n) >= 900;
        }, 'every attempt recorded');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const seen = new Map<string, number>();
        for (const r of receiver.requests) {
          const key = `${r.path} ${String(r.headers['webhook-id'])}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        const repeated = [...seen].filter(([, count]) => count > 1);
        assert.deepEqual(repeated, []);
        assert.equal(seen.size, 900);
        const pending = await h().ctx.db.selectFrom('deliveries').select(['id', 'status', 'type', 'attempts', 'leased_by', 'last_error']).where('account_id', '=', acct.accountId).where('status', '!=', 'succeeded').execute();
        assert.deepEqual(pending, []);
        assert.deepEqual(workers.map((w) => w.health().ok), [true, true, true]);
      } finally {
        await Promise.all(workers.map((w) => w.stop(1000)));
        await receiver.close();
      }
    });
  });
}
