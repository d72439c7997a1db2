// In Chromium: reordering stages in Settings → Pipelines & stages changes the board's columns, and
// the leads search finds a lead by the organization of one of its contacts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`stage order and organization search [${dialect}]`, () => {
    let ui: UiServer;
    before(async () => {
      ui = await startUiServer(dialect);
    });
    after(async () => {
      await ui?.stop();
    });

    it('moves a stage up and down, and the board shows the new order', async () => {
      const pipe = (await ui.api('POST', '/pipelines', { name: 'Hiring', stages: ['Applied', 'Interview', 'Offer'] })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/pipelines`);
        const card = page.getByRole('region', { name: 'Hiring' });
        const stages = card.getByRole('list', { name: 'Stages of Hiring' }).getByRole('listitem');
        await stages.first().waitFor();
        const nameAt = (i: number, name: string) => stages.nth(i).locator('> span:first-child').getByText(name, { exact: true }).waitFor();
        await card.getByRole('button', { name: 'Up stage Offer' }).click();
        await nameAt(1, 'Offer');
        await card.getByRole('button', { name: 'Up stage Offer' }).click();
        await nameAt(0, 'Offer');
        assert.equal(await card.getByRole('button', { name: 'Up stage Offer' }).isDisabled(), true, 'the first stage cannot move up');
        assert.deepEqual(await stages.locator('> span:first-child').allInnerTexts(), ['Offer', 'Applied', 'Interview']);
        await card.getByRole('button', { name: 'Down stage Applied' }).click();
        await nameAt(2, 'Applied');
        assert.deepEqual(await stages.locator('> span:first-child').allInnerTexts(), ['Offer', 'Interview', 'Applied']);
        const stored = (await ui.api('GET', `/pipelines/${pipe._id}`)).body as { stages: Array<{ name: string }> };
        assert.deepEqual(stored.stages.map((s) => s.name), ['Offer', 'Interview', 'Applied']);

        await page.goto(`${ui.url}/#/leads?pipeline=${pipe._id}`);
        const board = page.getByRole('list', { name: 'Stages' });
        await board.getByRole('heading', { level: 2, name: /^Applied/ }).waitFor();
        const columns = await board.locator('h2').evaluateAll((hs) => hs.map((h) => h.firstChild?.textContent?.trim()));
        assert.deepEqual(columns, ['Offer', 'Interview', 'Applied']);
      } finally {
        await page.close();
      }
    });

    it('finds a lead by its contact’s organization name from the search box', async () => {
      const pipe = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Renewal 2027', pipeline_id: pipe._id })).body;
      await ui.api('POST', '/leads', { name: 'Unrelated deal', pipeline_id: pipe._id });
      const org = (await ui.api('POST', '/organizations', { name: 'Stark Industries' })).body;
      const contact = (await ui.api('POST', '/contacts', { name: 'Pepper', organization_id: org._id })).body;
      assert.equal((await ui.api('PUT', `/leads/${lead._id}/contacts/${contact._id}`)).status, 200);
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByLabel('Search').fill('stark ind');
        await page.getByLabel('Search').press('Enter');
        await page.waitForURL(/[?&]q=stark/);
        const board = page.getByRole('list', { name: 'Stages' });
        await board.getByRole('link', { name: 'Unrelated deal' }).waitFor({ state: 'detached' });
        await board.getByRole('link', { name: 'Renewal 2027' }).waitFor();
        assert.equal(await board.getByRole('link', { name: 'Unrelated deal' }).count(), 0);
      } finally {
        await page.close();
      }
    });
  });
}
