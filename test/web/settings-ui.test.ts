// Settings in Chromium: the section's navigation and linked breadcrumbs, Pipelines & stages,
// the event catalogue, a failing webhook shown as failing with its last error, and navigation
// that hides admin pages from members.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { startReceiver, statusByPath, type Receiver } from '../helpers/receiver.ts';
import { useBrowser } from './support/browser.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage, logIn } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`settings UI [${dialect}]`, () => {
    let ui: UiServer;
    let receiver: Receiver;
    before(async () => {
      ui = await startUiServer(dialect);
      receiver = await startReceiver(statusByPath(new Map([['/broken', 500]])));
    });
    after(async () => {
      await receiver?.close();
      await ui?.stop();
    });

    it('shows a failing webhook as failing with its last error, and Manage opens it; breadcrumbs are links', async () => {
      const hook = (await ui.api('POST', '/webhooks', { url: receiver.url('/broken'), events: ['lead:created'] })).body;
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      await ui.api('POST', '/leads', { name: 'Trigger', pipeline_id: pipeline._id });
      await receiver.waitForRequest((r) => r.path === '/broken');
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByRole('link', { name: 'Settings' }).click();
        const row = page.getByRole('row').filter({ hasText: receiver.url('/broken') });
        await row.locator('[data-health="failing"]').waitFor();
        assert.match(await row.locator('[data-health]').innerText(), /Failing/);
        await row.locator('.last-error').waitFor();
        await row.getByRole('link', { name: /^Manage/ }).click();
        await page.waitForURL(new RegExp(`#/webhooks/${hook._id}`));
        // The webhook's own page says it is failing too, not only "Enabled".
        await page.locator('.facts [data-health="failing"]').waitFor();
        await page.locator('.chart rect.bar-failed').first().waitFor();
        const deliveries = page.getByRole('region', { name: 'Deliveries' });
        await deliveries.getByRole('link', { name: 'lead', exact: true }).first().click();
        await page.getByRole('heading', { level: 1, name: 'Trigger' }).waitFor();
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${ui.url}/#/webhooks/${hook._id}`);
        await page.locator('.chart rect.bar-failed').first().waitFor();
        assert.equal(await page.locator('.chart svg').getAttribute('viewBox'), '0 0 360 220', 'drawn at phone size, labels not shrunk');
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Integrations' }).click();
        await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      } finally {
        await page.close();
      }
    });

    it('creates a pipeline, adds, renames and deletes a stage', async () => {
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/pipelines`);
        await page.getByLabel('Pipeline name').fill('Partners');
        await page.getByRole('button', { name: 'Create pipeline' }).click();
        const card = page.getByRole('region', { name: 'Partners' });
        await card.waitFor();
        await card.getByLabel('New stage').fill('Intro');
        await card.getByRole('button', { name: 'Add stage' }).click();
        await card.getByRole('list', { name: 'Stages of Partners' }).getByText('Intro', { exact: true }).waitFor();
        await card.getByRole('button', { name: 'Rename stage Intro' }).click();
        await card.getByLabel('Rename stage Intro').fill('First call');
        await card.getByRole('button', { name: 'Save', exact: true }).click();
        await card.getByText('First call', { exact: true }).waitFor();
        const pipelines = (await ui.api('GET', '/pipelines')).body as Array<{ name: string; stages: Array<{ name: string }> }>;
        assert.deepEqual(pipelines.find((p) => p.name === 'Partners')?.stages.map((s) => s.name), ['First call']);
        await card.getByRole('button', { name: 'Delete stage First call' }).click();
        await card.getByText('First call', { exact: true }).waitFor({ state: 'detached' });
        const after = (await ui.api('GET', '/pipelines')).body as typeof pipelines;
        assert.deepEqual(after.find((p) => p.name === 'Partners')?.stages, []);
      } finally {
        await page.close();
      }
    });

    it('lists every event type with its fields and an example body', async () => {
      const expected = (await ui.api('GET', '/event-types')).body as Array<{ type: string }>;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/event-types`);
        await page.locator('.event-type').nth(expected.length - 1).waitFor();
        assert.equal(await page.locator('.event-type').count(), expected.length);
        const moved = page.getByRole('region', { name: 'lead:moved' });
        await moved.getByRole('cell', { name: 'new_stage_name' }).waitFor();
        await moved.getByText('Example body').click();
        assert.match(await moved.locator('pre').innerText(), /"type": "lead:moved"/);
      } finally {
        await page.close();
      }
    });

    it('shows a member no admin links, and Settings opens their account', async () => {
      const member = { name: 'Mo Member', email: `mo-${dialect}@example.test`, password: 'member password 1', role: 'member' };
      assert.equal((await ui.api('POST', '/users', member)).status, 201);
      const page = await logIn(browser.context, ui, member);
      try {
        const nav = page.getByRole('navigation', { name: 'Main' });
        assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Leads', 'Contacts', 'Organizations', 'Settings']);
        await nav.getByRole('link', { name: 'Settings' }).click();
        await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
        assert.deepEqual(await page.getByRole('navigation', { name: 'Settings' }).getByRole('link').allInnerTexts(), ['Account']);
      } finally {
        await page.close();
      }
    });
  });
}
