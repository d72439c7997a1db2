// The webhook page in a real Chromium: "Replay what was missed?" after re-enabling queues the
// activities that happened while the webhook was off, with a progress bar; the form sets self-heal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { useUiWithReceiver } from './support/server.ts';
import { eventually, loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`replay and self-heal UI [${dialect}]`, () => {
    const started = useUiWithReceiver(dialect);

    it('offers to replay what was missed on re-enable, shows progress, and queues it once', async () => {
      const { ui, receiver } = started();
      const webhook = (await ui.api('POST', '/webhooks', { url: receiver.url('/replay'), events: ['lead:created'], enabled: false })).body;
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'While off', pipeline_id: pipeline._id })).body;
      assert.deepEqual((await ui.api('GET', `/webhooks/${webhook._id}/deliveries`)).body, []);

      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${webhook._id}`);
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        await page.getByRole('button', { name: 'Enable', exact: true }).click();
        const prompt = page.getByRole('region', { name: 'Replay what was missed?' });
        await prompt.waitFor();
        await prompt.getByRole('button', { name: 'Replay missed and failed' }).click();
        await prompt.getByRole('status').getByText('1 of 1 activities looked at, 1 queued — done').waitFor();
        assert.equal(await prompt.locator('progress').getAttribute('value'), '1');
        await page.getByText('Queued 1 missed activity (0 already had a delivery); requeued 0 failed deliveries').waitFor();

        await eventually(async () => (receiver.requests.some((r) => r.path === '/replay') ? true : undefined));
        const deliveries = (await ui.api('GET', `/webhooks/${webhook._id}/deliveries`)).body;
        assert.equal(deliveries.length, 1);
        assert.equal(JSON.parse(receiver.requests.find((r) => r.path === '/replay')!.body).lead._id, lead._id);

        // Again from the "Replay missing" card: nothing is queued twice.
        await page.reload();
        const card = page.getByRole('region', { name: 'Replay missing' });
        await card.getByLabel('Since').fill('2000-01-01T00:00');
        await card.getByRole('button', { name: 'Replay missing' }).click();
        await card.getByRole('status').getByText('1 of 1 activities looked at, 0 queued — done').waitFor();
        assert.equal((await ui.api('GET', `/webhooks/${webhook._id}/deliveries`)).body.length, 1);
      } finally {
        await page.close();
      }
    });

    it('turns self-heal on in the webhook form', async () => {
      const { ui, receiver } = started();
      const webhook = (await ui.api('POST', '/webhooks', { url: receiver.url('/heal') })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${webhook._id}`);
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        await page.getByRole('button', { name: 'Edit' }).click();
        await page.getByLabel(/^Self-heal/).check();
        await page.getByRole('button', { name: 'Save webhook' }).click();
        await page.getByText('On: after an automatic disable, probed for 7 days').waitFor();
        assert.equal((await ui.api('GET', `/webhooks/${webhook._id}`)).body.self_heal, true);
      } finally {
        await page.close();
      }
    });
  });
}
