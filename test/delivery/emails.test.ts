import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createLead, createWebhook, noJitter, record } from '../helpers/webhooks.ts';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

// A real SMTP server on 127.0.0.1, started before the harnesses read SMTP_URL.
const mails: Mail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream).then(
      (parsed) => {
        const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
        mails.push({ to: to ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '' });
        callback();
      },
      (error: Error) => callback(error),
    );
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = (smtp.server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`error emails [${dialect}]`, () => {
    const h = useHarness(
      dialect,
      {
        ...WEBHOOK_ENV,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        LEADHOOK_PUBLIC_URL: 'https://crm.example.test',
        LEADHOOK_ERROR_EMAIL_INTERVAL_S: '3600',
        LEADHOOK_AUTO_DISABLE_AFTER_S: '86400',
      },
      { overrides: noJitter },
    );

    it('emails the creator at the first error, then one summary per interval, then when auto-disabled', async () => {
      mails.length = 0;
      const receiver = await startReceiver((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('down'));
      try {
        const acct = await h().account();
        const me = (await acct.api('GET', '/me')).body;
        const hook = await createWebhook(acct, { url: receiver.url(), retry_schedule: [] });
        const lead = await createLead(acct);
        const worker = h().worker();
        await worker.drain();

        assert.equal(mails.length, 1, 'the first error is emailed at once');
        assert.equal(mails[0]!.to, me.email);
        assert.equal(mails[0]!.subject, `leadhook: 1 failed webhook delivery — ${receiver.url()}`);
        assert.match(mails[0]!.text, /Failed attempts since the last email: 1\n/);
        assert.match(mails[0]!.text, /activity: lead:created \(attempt 1\)/);
        assert.match(mails[0]!.text, /category: http_status/);
        assert.match(mails[0]!.text, /status: {3}500/);
        assert.ok(mails[0]!.text.includes(`Error log: https://crm.example.test/#/webhooks/${hook._id}`));

        h().clock.advance(10 * 60_000);
        for (const content of ['a', 'b', 'c']) {
          await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: content } }]);
        }
        await worker.drain();
        assert.equal(mails.length, 1, 'no second email within the interval');

        h().clock.advance(HOUR);
        await worker.runOnce();
        assert.equal(mails.length, 2, 'a summary once the interval has passed');
        assert.match(mails[1]!.subject, /^leadhook: 3 failed webhook deliveries/);
        assert.match(mails[1]!.text, /Failed attempts since the last email: 3\n/);
        assert.match(mails[1]!.text, /activity: note:created/);

        await worker.runOnce();
        assert.equal(mails.length, 2, 'nothing new to summarise');

        h().clock.advance(24 * HOUR);
        await record(h(), acct, lead._id, [{ type: 'note:created', fields: { note_content: 'd' } }]);
        await worker.drain();
        const webhook = (await acct.api('GET', `/webhooks/${hook._id}`)).body;
        assert.equal(webhook.enabled, false);
        assert.match(webhook.disabled_reason, /^no successful delivery for 1 days/);
        assert.equal(mails.length, 3);
        assert.equal(mails[2]!.subject, `leadhook: webhook disabled — ${receiver.url()}`);
        assert.match(mails[2]!.text, /Reason: no successful delivery for 1 days/);

        const outbox = (await acct.api('GET', '/email-outbox')).body;
        assert.deepEqual(outbox.map((m: { status: string; subject: string }) => m.status), ['sent', 'sent', 'sent']);
        assert.equal(outbox[0].subject, mails[2]!.subject);

        // Re-enabling starts a healthy period; recover replays what was missed.
        receiver.behave((_req, res) => res.writeHead(200).end());
        const enabled = await acct.api('PUT', `/webhooks/${hook._id}`, { enabled: true });
        assert.equal(enabled.body.enabled, true);
        assert.equal(enabled.body.disabled_reason, null);
        const recovered = await acct.api('POST', `/webhooks/${hook._id}/recover`, { since: '2020-01-01T00:00:00Z' });
        assert.deepEqual(recovered.body, { recovered: 5 });
        await worker.drain();
        const statuses = (await acct.api('GET', `/webhooks/${hook._id}/deliveries`)).body.map((d: { status: string }) => d.status);
        assert.deepEqual(statuses, ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
      } finally {
        await receiver.close();
      }
    });
  });
}
