// The webhook page's "Audit" card in a real Chromium: the window goes into the URL, the totals, the
// digest (copyable) and the undelivered events show, each failed one links to its delivery — whose
// page shows the lead sequence it carried — and "Replay missing for this window" queues what was
// never attempted; a bookmarked window runs by itself and the list stops at 50 events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { eventually, loggedInPage } from './support/ui.ts';

const browser = useBrowser();
const noteOf = (body: string) => (JSON.parse(body) as { activity: { note_content?: string } }).activity.note_content;

for (const dialect of DIALECTS) {
  describe(`audit UI [${dialect}]`, () => {
    let ui: UiServer;
    let receiver: Receiver;
    before(async () => {
      ui = await startUiServer(dialect);
      receiver = await startReceiver((req, res) => res.writeHead(noteOf(req.body) === 'bad' ? 500 : 200).end());
    });
    after(async () => {
      await receiver?.close();
      await ui?.stop();
    });

    it('audits a window kept in the URL, links a failed event to its delivery and replays what was never attempted', async () => {
      const webhook = (await ui.api('POST', '/webhooks', { url: receiver.url('/audit'), events: ['lead:created', 'note:created'], retry_schedule: [] })).body;
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Audited', pipeline_id: pipeline._id })).body;
      assert.equal((await ui.api('POST', `/leads/${lead._id}/notes`, { content: 'bad' })).status, 201);
      const settled = await eventually(async () => {
        const list = (await ui.api('GET', `/webhooks/${webhook._id}/deliveries`)).body as Array<{ _id: string; type: string; status: string }>;
        return list.length === 2 && list.every((d) => d.status !== 'pending') ? list : undefined;
      });
      const failed = settled.find((d) => d.type === 'note:created')!;
      assert.equal(failed.status, 'failed');
      // Missed while disabled: never attempted.
      assert.equal((await ui.api('PUT', `/webhooks/${webhook._id}`, { enabled: false })).status, 200);
      assert.equal((await ui.api('POST', `/leads/${lead._id}/notes`, { content: 'missed' })).status, 201);
      assert.equal((await ui.api('PUT', `/webhooks/${webhook._id}`, { enabled: true })).status, 200);

      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.url });
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${webhook._id}`);
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        const card = page.getByRole('region', { name: 'Audit' });
        await card.getByRole('button', { name: 'Run audit' }).waitFor();
        assert.equal(await card.getByLabel('Audit totals').count(), 0, 'nothing runs without a window in the URL');
        await card.getByRole('button', { name: 'Run audit' }).click();
        const totals = card.getByLabel('Audit totals');
        await totals.waitFor();
        const url = new URL(page.url().replace('#/', ''));
        const from = url.searchParams.get('audit_from');
        const to = url.searchParams.get('audit_to');
        assert.ok(from && to, `the window is in the URL: ${page.url()}`);

        const api = (await ui.api('GET', `/webhooks/${webhook._id}/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body;
        assert.deepEqual(api.totals, { expected: 3, succeeded: 1, pending: 0, failed: 1, not_attempted: 1 });
        const shownTotals = await totals.evaluate((dl) => [...dl.querySelectorAll('dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling?.textContent}`));
        assert.deepEqual(shownTotals, ['Expected=3', 'Succeeded=1', 'Pending=0', 'Failed=1', 'Not attempted=1']);
        assert.equal(await card.getByTestId('audit-digest').textContent(), api.digest);
        await card.getByRole('button', { name: 'Copy digest' }).click();
        await card.getByText('Copied to the clipboard').waitFor();
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), api.digest);

        const rows = card.getByRole('table', { name: 'Events not delivered' }).locator('tbody tr');
        assert.equal(await rows.count(), 2);
        const missed = api.events.find((e: { status: string }) => e.status === 'not_attempted');
        assert.equal(missed.delivery_id, null);
        const failedEvent = api.events.find((e: { status: string }) => e.status === 'failed');
        assert.equal(failedEvent.delivery_id, failed._id);
        assert.match((await rows.filter({ hasText: missed.id }).textContent()) ?? '', /not attempted.*—$/);

        // The window survives a reload: the audit runs again from the URL alone.
        await page.reload();
        await page.getByRole('region', { name: 'Audit' }).getByLabel('Audit totals').waitFor();
        assert.equal(await page.getByRole('region', { name: 'Audit' }).getByTestId('audit-digest').textContent(), api.digest);

        // Filtering the delivery log keeps the audit window in the URL (and the audit on the page).
        await page.getByRole('search', { name: 'Filter deliveries' }).getByLabel('Status').selectOption('failed');
        await page.waitForURL(/status=failed/);
        const filtered = new URL(page.url().replace('#/', ''));
        assert.deepEqual([filtered.searchParams.get('audit_from'), filtered.searchParams.get('audit_to')], [from, to]);
        await page.getByRole('region', { name: 'Audit' }).getByLabel('Audit totals').waitFor();

        // A disabled webhook cannot be replayed to: the button says why.
        assert.equal((await ui.api('PUT', `/webhooks/${webhook._id}`, { enabled: false })).status, 200);
        await page.reload();
        const offCard = page.getByRole('region', { name: 'Audit' });
        await offCard.getByText('Enable the webhook to replay what it missed.').waitFor();
        assert.equal(await offCard.getByRole('button', { name: 'Replay missing for this window' }).isDisabled(), true);
        assert.equal((await ui.api('PUT', `/webhooks/${webhook._id}`, { enabled: true })).status, 200);
        await page.reload();

        await page.getByRole('region', { name: 'Audit' }).getByRole('button', { name: 'Replay missing for this window' }).click();
        await page.getByText('Queued 1 missed activity (2 already had a delivery)').waitFor();
        await eventually(async () => (receiver.requests.some((r) => noteOf(r.body) === 'missed') ? true : undefined));
        await eventually(async () => {
          const again = (await ui.api('GET', `/webhooks/${webhook._id}/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body;
          return again.totals.not_attempted === 0 && again.totals.pending === 0 ? true : undefined;
        });

        // The failed event's delivery, with the lead sequence it carried (the note is the lead's 2nd activity).
        await page.getByRole('region', { name: 'Audit' }).getByRole('link', { name: `Open delivery of ${failedEvent.id}` }).click();
        await page.getByRole('heading', { level: 1, name: 'Delivery of note:created' }).waitFor();
        assert.equal(new URL(page.url()).hash, `#/deliveries/${failed._id}`);
        const detail = (await ui.api('GET', `/deliveries/${failed._id}`)).body;
        assert.deepEqual([detail.lead_sequence, detail.previous_lead_sequence], [2, 1]);
        await page.getByText('#2', { exact: true }).waitFor();
        await page.getByText('(previous #1)').waitFor();
      } finally {
        await page.close();
      }
    });

    it('runs an audit straight from a bookmarked window and lists at most 50 undelivered events, with the total', async () => {
      // Past everything the other test recorded, so this window holds only this test's activities.
      ui.clock.advance(3_600_000);
      const from = ui.clock.now().toISOString();
      const to = new Date(ui.clock.now().getTime() + 60_000).toISOString();
      const webhook = (await ui.api('POST', '/webhooks', { url: receiver.url('/bounded'), events: ['note:created'], enabled: false })).body;
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Many notes', pipeline_id: pipeline._id })).body;
      for (let i = 1; i <= 51; i += 1) assert.equal((await ui.api('POST', `/leads/${lead._id}/notes`, { content: `n${i}` })).status, 201);

      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${webhook._id}?audit_from=${encodeURIComponent(from)}&audit_to=${encodeURIComponent(to)}`);
        const card = page.getByRole('region', { name: 'Audit' });
        await card.getByLabel('Audit totals').waitFor();
        assert.equal(await card.getByRole('table', { name: 'Events not delivered' }).locator('tbody tr').count(), 50);
        await card.getByText('Showing 50 of 51;').waitFor();
        assert.equal(await card.getByRole('link', { name: /^Open delivery/ }).count(), 0, 'nothing was attempted: no delivery to open');
      } finally {
        await page.close();
      }
    });
  });
}
