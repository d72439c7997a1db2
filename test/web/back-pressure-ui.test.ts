// The webhook page shows a receiver's pause and lets the owner set a maximum rate (docs/WEBHOOKS.md,
// "Back-pressure"), in a real Chromium against the real server and worker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { useBrowser } from './support/browser.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { eventually, loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`back-pressure UI [${dialect}]`, () => {
    let ui: UiServer;
    let receiver: Receiver;
    before(async () => {
      ui = await startUiServer(dialect);
      receiver = await startReceiver((_req, res) => res.writeHead(429, { 'retry-after': '600' }).end());
    });
    after(async () => {
      await receiver?.close();
      await ui?.stop();
    });

    it('shows "Paused by the receiver until …" after a 429 with Retry-After, and saves a maximum rate from the form', async () => {
      const created = (await ui.api('POST', '/webhooks', { url: receiver.url() })).body;
      await ui.api('POST', `/webhooks/${created._id}/test`);
      const pausedUntil = await eventually(async () => (await ui.api('GET', `/webhooks/${created._id}`)).body.paused_until ?? undefined);
      assert.ok(Date.parse(pausedUntil) > ui.clock.now().getTime());

      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/webhooks`);
        await page.getByRole('table').getByText('Paused by the receiver until').waitFor();
        await page.goto(`${ui.url}/#/webhooks/${created._id}`);
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        await page.getByRole('status').filter({ hasText: 'Paused by the receiver until' }).waitFor();
        await page.getByText('No limit', { exact: true }).waitFor();

        await page.getByRole('button', { name: 'Edit' }).click();
        const rate = page.getByLabel('Maximum rate (requests per second, optional)');
        await rate.fill('0');
        await page.getByRole('button', { name: 'Save webhook' }).click();
        await page.getByText('A number of requests per second above 0').waitFor();
        await rate.fill('2.5');
        await page.getByRole('button', { name: 'Save webhook' }).click();
        await page.getByText('2.5 requests a second', { exact: true }).waitFor();
        assert.equal((await ui.api('GET', `/webhooks/${created._id}`)).body.max_rate_per_second, 2.5);
      } finally {
        await page.close();
      }
    });
  });
}
