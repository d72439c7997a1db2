// Organizations and contacts pages in Chromium (need the organizations API and contact search
// from the clinchpad branch): add an organization, attach a contact, search contacts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`organizations and contacts UI [${dialect}]`, () => {
    let ui: UiServer;
    before(async () => {
      ui = await startUiServer(dialect);
    });
    after(async () => {
      await ui?.stop();
    });

    it('adds an organization, links a contact to it and finds the contact by email', async () => {
      const contact = (await ui.api('POST', '/contacts', { name: 'Bill Lumbergh', email: 'bill@initech.test', phone: '+1 555 0142' })).body;
      await ui.api('POST', '/contacts', { name: 'Milton Waddams', email: 'milton@initech.test' });
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByRole('link', { name: 'Organizations' }).click();
        await page.getByText('New organization').click();
        await page.getByLabel('Name', { exact: true }).fill('Initech');
        await page.getByLabel('Website').fill('https://initech.test');
        await page.getByRole('button', { name: 'Add organization' }).click();
        await page.getByRole('table', { name: 'Organizations' }).getByRole('link', { name: 'Initech' }).waitFor();

        await page.goto(`${ui.url}/#/contacts/${contact._id}`);
        await page.getByRole('heading', { level: 1, name: 'Bill Lumbergh' }).waitFor();
        await page.getByRole('combobox', { name: 'Organization' }).selectOption({ label: 'Initech' });
        await page.getByRole('status').filter({ hasText: 'Contact saved' }).waitFor();
        assert.equal((await ui.api('GET', `/contacts/${contact._id}`)).body.organization?.name, 'Initech');

        await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
        await page.getByLabel('Search in').selectOption('email');
        await page.getByRole('searchbox', { name: 'Search contacts' }).fill('bill@initech.test');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/email=bill%40initech.test/);
        const rows = page.getByRole('table', { name: 'Contacts' }).locator('tbody tr');
        await rows.filter({ hasText: 'Bill Lumbergh' }).waitFor();
        // The list may still be replacing the unfiltered rows: wait until it settles (bounded).
        for (let i = 0; i < 50 && (await rows.count()) !== 1; i++) await page.waitForTimeout(100);
        assert.deepEqual(await rows.locator('td:first-child').allInnerTexts(), ['Bill Lumbergh']);
        await rows.getByRole('link', { name: 'Initech' }).click();
        await page.getByRole('heading', { level: 1, name: 'Initech' }).waitFor();
        await page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name: 'Bill Lumbergh' }).waitFor();
      } finally {
        await page.close();
      }
    });
  });
}
