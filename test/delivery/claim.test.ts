import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type Harness, type TestAccount } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, actorOf, createLead, createWebhook, deliveriesOf, noJitter } from '../helpers/webhooks.ts';

/** Counts the claim (`update … set lease_until = …, leased_by`) and release statements a worker runs. */
class StatementCounter implements KyselyPlugin {
  claims = 0;
  releases = 0;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const text = JSON.stringify(node);
    if (node.kind === 'RawNode' && /update deliveries set lease_until = .*leased_by =/s.test(text)) this.claims += 1;
    if (node.kind === 'UpdateQueryNode' && text.includes('"lease_until"') && !text.includes('"status"')) this.releases += 1;
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

async function notes(h: Harness, acct: TestAccount, leadId: string, count: number): Promise<void> {
  await h.ctx.recorder.transaction(async (tx) => {
    for (let i = 0; i < count; i++) await tx.record(actorOf(acct), leadId, [{ type: 'note:created', fields: { note_content: `n${i}` } }]);
  });
}

const until = async (condition: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

for (const dialect of DIALECTS) {
  describe(`delivery claims [${dialect}]`, () => {
    // Lease = connect 1 s + 2 × 5 s + 5 s = 16 s; a queued delivery may start until 8 s before it ends.
    const env = { ...WEBHOOK_ENV, LEADHOOK_DELIVERY_TIMEOUT_MS: '5000', LEADHOOK_CONNECT_TIMEOUT_MS: '1000' };
    const h = useHarness(dialect, env, { overrides: noJitter });

    it('claims 200 deliveries of one webhook in 4 statements of up to 60 (6 × the cap of 10) and releases none', async () => {
      const receiver = await startReceiver();
      const counter = new StatementCounter();
      const worker = h().ctx.createWorker({ db: h().ctx.db.withPlugin(counter) });
      try {
        const acct = await h().account();
        const hook = await createWebhook(acct, { url: receiver.url(), events: ['note:created'] });
        const lead = await createLead(acct);
        await notes(h(), acct, lead._id, 200);
        assert.equal(await worker.drain(), 200);
        assert.equal(receiver.requests.length, 200);
        assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 200);
        assert.equal(counter.claims, 4);
        assert.equal(counter.releases, 0);
        const deliveries = await deliveriesOf(acct, hook._id);
        assert.equal(deliveries.filter((d) => d.status === 'succeeded').length, 200);
      } finally {
        await worker.stop(0);
        await receiver.close();
      }
    });

    it('keeps delivering to a healthy webhook while another one holds all its requests', async () => {
      const held: Array<() => void> = [];
      const slow = await startReceiver((_req, res) => held.push(() => res.writeHead(200).end()));
      const fast = await startReceiver();
      const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
      try {
        const acct = await h().account();
        await createWebhook(acct, { url: slow.url(), events: ['note:created'] });
        await createWebhook(acct, { url: fast.url(), events: ['note:created'] });
        const lead = await createLead(acct);
        worker.start();
        // 150 notes: the slow webhook's queue fills (10 in flight, 30 waiting, the rest left in the
        // database) while the fast one keeps being claimed for.
        await notes(h(), acct, lead._id, 150);
        await fast.waitFor(150, 10_000);
        assert.equal(slow.requests.length, 10, 'the slow webhook has its cap in flight, no more');
        assert.equal(new Set(fast.requests.map((r) => r.headers['webhook-id'])).size, 150);
      } finally {
        held.splice(0).forEach((done) => done());
        await worker.stop(1000);
        await slow.close();
        await fast.close();
      }
    });

    it('never starts a queued delivery whose lease could run out during the request; it is claimed again', async () => {
      const held: Array<() => void> = [];
      const leaseLeft: number[] = [];
      let holding = true;
      const receiver = await startReceiver((req, res) => {
        const id = String(req.headers['webhook-id']);
        void h()
          .ctx.db.selectFrom('deliveries')
          .select('lease_until')
          .where('activity_id', '=', id)
          .executeTakeFirstOrThrow()
          .then((row) => {
            leaseLeft.push(Number(row.lease_until) - h().clock.now().getTime());
            if (holding) held.push(() => res.writeHead(200).end());
            else res.writeHead(200).end();
          });
      });
      const worker = h().ctx.createWorker({ pollIntervalMs: 60_000 });
      try {
        const acct = await h().account();
        await createWebhook(acct, { url: receiver.url(), events: ['note:created'] });
        const lead = await createLead(acct);
        worker.start();
        await notes(h(), acct, lead._id, 40);
        await until(() => held.length === 10, '10 requests held');
        // 9 s later the 30 queued deliveries have less than a request's worth (8 s) of lease left.
        h().clock.advance(9_000);
        holding = false;
        held.splice(0).forEach((done) => done());
        await until(() => leaseLeft.length >= 40, '40 requests answered');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(receiver.requests.length, 40, 'no delivery sent twice');
        assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 40, 'each sent once');
        assert.equal(leaseLeft.length, 40);
        // The first 10 were sent at once (16 s left); the other 30 only after a fresh claim at +9 s.
        assert.deepEqual(
          leaseLeft.slice().sort((a, b) => b - a),
          Array.from({ length: 40 }, () => 16_000),
        );
      } finally {
        held.splice(0).forEach((done) => done());
        await worker.stop(1000);
        await receiver.close();
      }
    });
  });
}
