// Self-healing endpoints (docs/WEBHOOKS.md): after an auto-disable, a webhook with self_heal is
// probed at 1, 3, 7, 15, 31, 55, … h with a signed webhook:test logged as a test delivery; a 2xx
// re-enables it, replays what it missed, requeues its failures and emails its creator; no 2xx in
// 7 days leaves it disabled and emails the creator once; a manual disable (or a webhook without
// self_heal) is never probed.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness, type TestAccount } from '../helpers/harness.ts';
import { startReceiver, verifySignature, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, deliveriesOf, noJitter, record } from '../helpers/webhooks.ts';

const HOUR = 3_600_000;
const probeHours = [1, 3, 7, 15, 31, 55, 79, 103, 127, 151];
const typeOf = (body: string) => (JSON.parse(body) as { activity: { type: string } }).activity.type;

for (const dialect of DIALECTS) {
  describe(`self-healing endpoints [${dialect}]`, () => {
    const h = useHarness(dialect, { ...WEBHOOK_ENV, LEADHOOK_AUTO_DISABLE_AFTER_S: '3600', LEADHOOK_PUBLIC_URL: 'https://crm.example.test' }, { overrides: noJitter });
    let receiver: Receiver | undefined;
    after(async () => {
      await receiver?.close();
    });
    const failingReceiver = async () => {
      await receiver?.close();
      receiver = await startReceiver((_req, res) => res.writeHead(500).end('down'));
      return receiver;
    };
    const webhook = async (acct: TestAccount, id: string) => (await acct.api('GET', `/webhooks/${id}`)).body;
    /** A failing webhook, auto-disabled by maintenance; returns when it was disabled. */
    const autoDisabled = async (acct: TestAccount, receiver: Receiver, selfHeal: boolean) => {
      const hook = await createWebhook(acct, { url: receiver.url(), retry_schedule: [], self_heal: selfHeal });
      await createLead(acct);
      await h().worker().drain();
      h().clock.advance(HOUR + 1);
      await h().worker().runOnce();
      const view = await webhook(acct, hook._id);
      assert.equal(view.enabled, false);
      assert.match(view.disabled_reason, /no successful delivery/);
      return { hook, disabledAt: h().clock.now().getTime() };
    };
    const runAt = async (at: number) => {
      h().clock.set(new Date(at));
      await h().worker().runOnce();
    };

    it('probes on the backoff, logs each probe, and on a 2xx re-enables, replays the missed activities and emails the creator', async () => {
      const receiver = await failingReceiver();
      const acct = await h().account();
      const { hook, disabledAt } = await autoDisabled(acct, receiver, true);
      assert.deepEqual((await webhook(acct, hook._id)).healing, { since: new Date(disabledAt).toISOString().replace(/\.\d+Z$/, 'Z'), next_probe_at: new Date(disabledAt + HOUR).toISOString().replace(/\.\d+Z$/, 'Z'), probes: 0 });
      const lead = await createLead(acct, 'While down');
      await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'missed' } }]);
      const before = receiver.requests.length;

      await runAt(disabledAt + HOUR - 1);
      assert.equal(receiver.requests.length, before, 'no probe before 1 h');
      await runAt(disabledAt + HOUR);
      assert.equal(receiver.requests.length, before + 1, 'the first probe at 1 h');
      const probe = receiver.requests[before]!;
      assert.equal(typeOf(probe.body), 'webhook:test');
      verifySignature(hook.secret, probe);
      let view = await webhook(acct, hook._id);
      assert.equal(view.enabled, false);
      assert.equal(view.healing.probes, 1);
      assert.equal(view.healing.next_probe_at, new Date(disabledAt + 3 * HOUR).toISOString().replace(/\.\d+Z$/, 'Z'));
      const logged = (await deliveriesOf(acct, hook._id)).filter((d) => d.type === 'webhook:test');
      assert.equal(logged.length, 1);
      assert.equal(logged[0].status, 'failed');
      const detail = (await acct.api('GET', `/deliveries/${logged[0]._id}`)).body;
      assert.equal(detail.attempt_records.length, 1, 'the probe is in the attempt log');
      assert.equal(detail.attempt_records[0].response.status, 500);

      await runAt(disabledAt + 3 * HOUR - 1);
      assert.equal(receiver.requests.length, before + 1);
      receiver.behave((_req, res) => res.writeHead(204).end());
      await runAt(disabledAt + 3 * HOUR);
      view = await webhook(acct, hook._id);
      assert.equal(view.enabled, true, 'a 2xx probe re-enables');
      assert.equal(view.disabled_reason, null);
      assert.equal(view.healing, null);

      h().clock.advance(10_000);
      await h().worker().drain();
      const sent = receiver.requests.slice(before + 2).map((r) => typeOf(r.body)).sort();
      // The two missed activities (replay) and the first lead:created whose delivery failed (recover).
      assert.deepEqual(sent, ['lead:created', 'lead:created', 'note:created']);
      const mail = await h().ctx.db.selectFrom('email_outbox').select(['subject', 'text', 'to_address']).where('webhook_id', '=', hook._id).orderBy('created_at').orderBy('id').execute();
      const healed = mail.find((m) => m.subject.startsWith('leadhook: webhook re-enabled'));
      assert.ok(healed, 'the creator is emailed');
      assert.equal(healed.to_address, (await acct.api('GET', '/me')).body.email);
      assert.match(healed.text, /Missed activities queued again \(replay missing\): 2/);
      assert.match(healed.text, /Failed deliveries queued again \(recover\): 1/);
    });

    it('stops after the probing period without a 2xx, leaves the webhook disabled and emails the creator once', async () => {
      const receiver = await failingReceiver();
      const acct = await h().account();
      const { hook, disabledAt } = await autoDisabled(acct, receiver, true);
      const before = receiver.requests.length;
      const gaveUpMail = () =>
        h().ctx.db.selectFrom('email_outbox').select(['subject', 'text', 'to_address']).where('webhook_id', '=', hook._id).where('subject', 'like', 'leadhook: stopped probing%').execute();
      for (const hours of probeHours.slice(0, -1)) await runAt(disabledAt + hours * HOUR);
      assert.deepEqual(await gaveUpMail(), [], 'no email while probes remain');
      await runAt(disabledAt + probeHours.at(-1)! * HOUR);
      const probes = receiver.requests.slice(before);
      assert.equal(probes.length, probeHours.length);
      assert.ok(probes.every((r) => typeOf(r.body) === 'webhook:test'));
      const view = await webhook(acct, hook._id);
      assert.equal(view.enabled, false);
      assert.equal(view.healing, null);
      assert.match(view.disabled_reason, /self-heal: 10 probes over 151 h without a 2xx, stays disabled/);
      await runAt(disabledAt + 10 * 24 * HOUR);
      assert.equal(receiver.requests.length, before + probeHours.length, 'no probe after the period');
      const mail = await gaveUpMail();
      assert.equal(mail.length, 1, 'one email, not one per later maintenance run');
      assert.equal(mail[0]!.to_address, (await acct.api('GET', '/me')).body.email);
      assert.equal(mail[0]!.subject, `leadhook: stopped probing, webhook stays disabled — ${receiver.url()}`);
      assert.match(mail[0]!.text, /stopped probing/);
      assert.match(mail[0]!.text, /10 probes between .+; the webhook stays disabled\./);
      assert.match(mail[0]!.text, /Reason: .*no successful delivery.*self-heal: 10 probes over 151 h/);
      assert.match(mail[0]!.text, new RegExp(`https://crm\\.example\\.test/#/webhooks/${hook._id}`));
    });

    it('never probes a webhook disabled by a user, or one without self_heal', async () => {
      const receiver = await failingReceiver();
      const acct = await h().account();
      const manual = await createWebhook(acct, { url: receiver.url(), self_heal: true });
      assert.equal((await acct.api('PUT', `/webhooks/${manual._id}`, { enabled: false })).status, 200);
      const { disabledAt } = await autoDisabled(acct, receiver, false);
      const before = receiver.requests.length;
      for (const hours of probeHours) await runAt(disabledAt + hours * HOUR);
      assert.equal(receiver.requests.length, before);
      assert.equal((await webhook(acct, manual._id)).healing, null);
    });

    it('lets one worker at a time hold a probe', async () => {
      const receiver = await failingReceiver();
      const acct = await h().account();
      const { hook, disabledAt } = await autoDisabled(acct, receiver, true);
      const store = h().ctx.deliveries;
      const now = disabledAt + HOUR;
      assert.deepEqual(await store.healing.dueProbes(now), [hook._id]);
      const first = await store.healing.claimProbe(hook._id, now, 60_000);
      assert.ok(first);
      assert.equal(await store.healing.claimProbe(hook._id, now, 60_000), null, 'a second claim gets nothing');
      assert.deepEqual(await store.healing.dueProbes(now), []);
      assert.ok(await store.healing.claimProbe(hook._id, now + 60_000, 60_000), 'an expired claim may be taken over');
    });
  });
}
