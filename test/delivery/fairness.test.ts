// One account's hanging endpoints must not hold back another account's deliveries
// (docs/WEBHOOKS.md, "Fairness across accounts"). Account B registers 14 webhooks on a receiver that
// never answers and creates 30 leads; account A's healthy webhook must still get its lead:created
// while every one of B's requests hangs. The control run gives B a budget as large as the lane and
// shows that A is then stuck behind B: the check can fail.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness, type TestAccount } from '../helpers/harness.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter } from '../helpers/webhooks.ts';

const LANE = 16;
const BUDGET = 8;
const B_HOOKS = 14;
const B_LEADS = 30;
// Per-webhook cap 2: each webhook holds at most 8 per lane (4 × cap), so B's 30 leads leave most of
// its deliveries unclaimed and its webhooks without room; 14 webhooks × 2 still fill a lane of 16.
const env = (budget: number) => ({
  ...WEBHOOK_ENV,
  LEADHOOK_MAX_IN_FLIGHT_PER_WEBHOOK: '2',
  LEADHOOK_MAX_IN_FLIGHT_PER_ACCOUNT: String(budget),
  // Long enough that none of B's requests times out during the test; the stop at the end cuts them off.
  LEADHOOK_DELIVERY_TIMEOUT_MS: '20000',
});

/** A receiver that never answers; counts the requests whose connection has ended. */
async function hangingReceiver(): Promise<{ receiver: Receiver; finished: () => number }> {
  let finished = 0;
  const receiver = await startReceiver((_req, res: http.ServerResponse) => {
    res.on('close', () => (finished += 1));
  });
  return { receiver, finished: () => finished };
}

async function waitUntil(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const leasedOf = async (h: Harness, webhookId: string) =>
  (await h.ctx.db.selectFrom('deliveries').select('lease_until').where('webhook_id', '=', webhookId).execute()).filter((d) => d.lease_until !== null)
    .length;

/** B's 14 hanging webhooks and 30 leads, A's healthy webhook; the worker runs with a lane of 16. */
async function scenario(h: Harness, budget: number) {
  const hanging = await hangingReceiver();
  const healthy = await startReceiver();
  const worker = h.ctx.createWorker({ firstLaneConcurrency: LANE, pollIntervalMs: 60_000 });
  const b = await h.account('B');
  const a = await h.account('A');
  for (let i = 0; i < B_HOOKS; i++) await createWebhook(b, { url: hanging.receiver.url(`/b${i}`), events: ['lead:created'] });
  const aHook = await createWebhook(a, { url: healthy.url('/a'), events: ['lead:created'] });
  for (let i = 0; i < B_LEADS; i++) await createLead(b, `B lead ${i}`);
  await worker.start();
  await hanging.receiver.waitFor(Math.min(budget, LANE), 10_000);
  const close = async () => {
    await worker.stop(0);
    await hanging.receiver.close();
    await healthy.close();
  };
  return { hanging, healthy, a, b, aHook, close };
}

async function countUnleased(h: Harness, acct: TestAccount): Promise<number> {
  const rows = await h.ctx.db.selectFrom('deliveries').select('lease_until').where('account_id', '=', acct.accountId).where('status', '=', 'pending').execute();
  return rows.filter((d) => d.lease_until === null).length;
}

for (const dialect of DIALECTS) {
  describe(`fair delivery across accounts [${dialect}]`, () => {
    const h = useHarness(dialect, env(BUDGET), { overrides: noJitter });

    it("delivers A's lead:created while all of B's requests to its hanging endpoint are still open", async () => {
      const s = await scenario(h(), BUDGET);
      try {
        await createLead(s.a, 'A lead');
        const got = await s.healthy.waitForRequest((r) => r.path === '/a', 10_000);
        assert.equal(JSON.parse(got.body).activity.type, 'lead:created');
        assert.equal(s.hanging.finished(), 0, "none of B's requests had ended when A's arrived");
        assert.equal(s.hanging.receiver.requests.length, BUDGET, 'B never had more than its budget in flight');
        // The claim side: B's webhooks are full (most of its deliveries are not even claimed), yet A's was claimed.
        assert.ok((await countUnleased(h(), s.b)) > 0);
        assert.equal(await leasedOf(h(), s.aHook._id), 1);
      } finally {
        await s.close();
      }
    });
  });

  describe(`without a per-account budget, one account fills the lane [${dialect}]`, () => {
    const h = useHarness(dialect, env(LANE), { overrides: noJitter });

    it("leaves A's claimed delivery waiting behind B's hanging requests", async () => {
      const s = await scenario(h(), LANE);
      try {
        await createLead(s.a, 'A lead');
        // A's delivery is claimed into the worker's queue, but the lane is full of B's requests.
        await waitUntil("A's delivery is claimed", async () => (await leasedOf(h(), s.aHook._id)) === 1);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(s.healthy.requests.length, 0, 'A waits for one of B to end');
        assert.equal(s.hanging.receiver.requests.length, LANE);
        assert.equal(s.hanging.finished(), 0);
      } finally {
        await s.close();
      }
    });
  });
}
