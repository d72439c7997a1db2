// The lead page in Chromium: a timeline of 2,000 activities (seeded in the database) newest first
// with "Load more" to the first one, lists newest first, errors shown in the section that caused
// them, client-side checks matching the API's, and a contact's email and phone edited in place.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { seedNoteActivities } from './support/bulk.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`lead page [${dialect}]`, () => {
    let ui: UiServer;
    let pipelineId: string;
    before(async () => {
      ui = await startUiServer(dialect);
      pipelineId = (await ui.api('GET', '/pipelines')).body[0]._id;
    });
    // One logged-in tab for the whole suite: logging in is covered elsewhere and costs seconds.
    let page: Page;
    before(async () => {
      page = await loggedInPage(browser.context, ui);
    });
    after(async () => {
      await page?.close();
      await ui?.stop();
    });

    it('shows 2,000 activities newest first and loads more down to the first one', async () => {
      const lead = (await ui.api('POST', '/leads', { name: 'Chatty', pipeline_id: pipelineId })).body;
      for (let i = 1; i <= 23; i += 1) await ui.api('POST', `/leads/${lead._id}/notes`, { content: `Real note ${i}` });
      await seedNoteActivities(ui.server.ctx.db, lead._id, 2000 - 24);
      await page.goto(`${ui.url}/#/leads/${lead._id}`);
      const timeline = page.getByRole('list', { name: 'Activity timeline' });
      await timeline.locator('li').first().waitFor();
      assert.equal(await timeline.locator('li').count(), 50);
      assert.match(await timeline.locator('li').first().innerText(), /Note 1976/);
      for (let clicks = 0; clicks < 20; clicks += 1) {
        const more = page.getByRole('button', { name: /^Load more activity/ });
        if ((await more.count()) === 0) break;
        await more.click();
      }
      assert.equal(await timeline.locator('li').count(), 2000);
      assert.equal(await timeline.locator('li').last().getAttribute('data-type'), 'lead:created');

      const notes = page.getByRole('region', { name: /^Notes/ });
      assert.equal(await notes.locator('.items > li').count(), 20);
      assert.match(await notes.locator('.items > li').first().innerText(), /Real note 23/);
      await notes.getByRole('button', { name: 'Show more notes (3 older)' }).click();
      assert.equal(await notes.locator('.items > li').count(), 23);
      assert.match(await notes.locator('.items > li').last().innerText(), /Real note 1\b/);
    });

    it('refuses a negative value and a zero quantity before sending, next to the field', async () => {
      const lead = (await ui.api('POST', '/leads', { name: 'Careful', pipeline_id: pipelineId, size: 10 })).body;
      await ui.api('POST', '/products', { name: 'Widget' });
      await page.goto(`${ui.url}/#/leads/${lead._id}`);
      await page.getByLabel('Value', { exact: true }).fill('-5');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const details = page.getByRole('region', { name: 'Details' });
      await details.getByText('The value cannot be negative').waitFor();
      assert.equal(await page.getByLabel('Value', { exact: true }).getAttribute('aria-invalid'), 'true');
      const products = page.getByRole('region', { name: /^Products/ });
      await products.getByLabel('Quantity').fill('0');
      await products.getByRole('button', { name: 'Link', exact: true }).click();
      await products.getByText('The quantity must be more than 0').waitFor();
      assert.equal((await ui.api('GET', `/leads/${lead._id}`)).body.size, 10);
      assert.deepEqual((await ui.api('GET', `/leads/${lead._id}/products`)).body, []);
    });

    it('shows an API refusal inside the section that caused it, and edits a contact’s email and phone', async () => {
      const lead = (await ui.api('POST', '/leads', { name: 'Linked', pipeline_id: pipelineId })).body;
      const contact = (await ui.api('POST', '/contacts', { name: 'Grace Hopper', email: 'grace@navy.test', phone: null })).body;
      await ui.api('PUT', `/leads/${lead._id}/contacts/${contact._id}`);
      await page.goto(`${ui.url}/#/leads/${lead._id}`);
      const attachments = page.getByRole('region', { name: /^Attachments/ });
      await attachments.getByLabel('Link name').fill('Spec');
      await attachments.getByLabel('Link URL').fill('ftp://files.example.test/spec.pdf');
      await attachments.getByRole('button', { name: 'Add link' }).click();
      await attachments.getByRole('alert').waitFor();
      assert.equal(await page.locator('.page > .notice-slot[role="alert"]').count(), 0, 'not at the top of the page');

      const contacts = page.getByRole('region', { name: /^Contacts/ });
      await contacts.getByRole('link', { name: 'grace@navy.test' }).waitFor();
      await contacts.getByRole('button', { name: 'Edit Grace Hopper' }).click();
      await contacts.getByLabel('Phone of Grace Hopper').fill('+1 555 0199');
      await contacts.getByRole('button', { name: 'Save contact' }).click();
      await contacts.getByRole('link', { name: '+1 555 0199' }).waitFor();
      assert.equal((await ui.api('GET', `/contacts/${contact._id}`)).body.phone, '+1 555 0199');
    });
  });
}
