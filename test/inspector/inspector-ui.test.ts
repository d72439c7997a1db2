// The inspector page in a real Chromium: one click from the webhook form opens an inbox with what
// the webhook will receive, and requests sent to the inbox appear while the page is open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from '../web/support/browser.ts';
import { startUiServer, type UiServer } from '../web/support/server.ts';
import { loggedInPage } from '../web/support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`inspector UI [${dialect}]`, () => {
    let ui: UiServer;
    before(async () => {
      ui = await startUiServer(dialect);
    });
    after(async () => {
      await ui?.stop();
    });

    it('shows what a webhook will receive in one click, then new requests live', async () => {
      const hook = await ui.api('POST', '/webhooks', { url: 'https://crm.example.test/hook', events: ['lead:won', 'note:created'] });
      assert.equal(hook.status, 201);
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${hook.body._id}`);
        await page.getByRole('button', { name: 'Edit' }).click();
        await page.getByRole('link', { name: 'See what your webhook will receive' }).click();
        await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
        const received = page.getByRole('region', { name: 'Received requests' });
        await received.getByText('lead:won').waitFor();
        await received.getByText('note:created').waitFor();
        assert.equal(await received.getByText('signature valid').count(), 2);
        const detail = page.getByRole('region', { name: 'Request detail' });
        assert.match(await detail.innerText(), /webhook-signature/);

        const inboxUrl = (await page.locator('p.url').innerText()).trim();
        const path = new URL(inboxUrl).pathname;
        const sent = await fetch(`${ui.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello from curl' });
        assert.equal(sent.status, 200);
        await received.getByText(/POST · 15 bytes/).waitFor();
        assert.equal(await received.getByText('signature invalid').count(), 1);
      } finally {
        await page.close();
      }
    });
  });
}
