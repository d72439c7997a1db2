// The leads board and list in Chromium over a pipeline of 10,000 leads seeded in the database:
// counts and values per stage from the database, "Load more", filters in the URL, the list's
// sorting, keyboard moves that wait for "Move", and won/lost with a reason leaving the open board.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { seedLeads, type BulkLeads } from './support/bulk.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

const LEADS = 10_000;

for (const dialect of DIALECTS) {
  describe(`leads board with ${LEADS} leads [${dialect}]`, () => {
    let ui: UiServer;
    let pipeline: { _id: string; stages: Array<{ _id: string; name: string }> };
    let bulk: BulkLeads;
    before(async () => {
      ui = await startUiServer(dialect);
      pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const stageIds = pipeline.stages.map((s) => s._id);
      bulk = await seedLeads(ui.server.ctx.db, { accountId: ui.owner.accountId, pipelineId: pipeline._id, stageIds }, LEADS, ui.clock.now().getTime());
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

    const column = (page: Page, stage: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: new RegExp(`^${stage}`) }) });
    const amount = (page: Page, n: number) => page.evaluate((v) => v.toLocaleString(undefined, { maximumFractionDigits: 2 }), n);

    it('shows every open lead: counts and values per stage, 25 cards a column, and "Load more"', async () => {
      const openCount = [...bulk.open.values()].reduce((n, t) => n + t.count, 0);
      assert.equal(openCount + bulk.closed, LEADS);
      await page.getByTestId('board-summary').filter({ hasText: `${openCount} leads` }).waitFor();
      for (const stage of pipeline.stages) {
        const expected = bulk.open.get(stage._id)!;
        const col = column(page, stage.name);
        assert.equal((await col.locator('.count').innerText()).trim(), String(expected.count), stage.name);
        assert.equal((await col.locator('.stage-total').innerText()).trim(), await amount(page, expected.total), stage.name);
      }
      const first = column(page, pipeline.stages[0]!.name);
      await first.locator('.lead-card').nth(24).waitFor();
      assert.equal(await first.locator('.lead-card').count(), 25);
      const expectedLeft = bulk.open.get(pipeline.stages[0]!._id)!.count - 25;
      await first.getByRole('button', { name: `Load more in ${pipeline.stages[0]!.name} (${expectedLeft} more)` }).click();
      await first.locator('.lead-card').nth(49).waitFor();
      assert.equal(await first.locator('.lead-card').count(), 50);
      assert.equal(await first.locator('.badge-won, .badge-lost').count(), 0, 'closed leads are not on the open board');
    });

    it('keeps the filters in the URL: search, status brings closed leads back, value range', async () => {
      await page.goto(`${ui.url}/#/leads`);
      await page.getByLabel('Search').fill('Bulk 00020');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/q=Bulk\+00020/);
      await page.getByTestId('board-summary').filter({ hasText: '0 leads' }).waitFor();
      await page.getByLabel('Status').selectOption('won');
      await page.waitForURL(/status=won/);
      await page.getByRole('link', { name: 'Bulk 00020' }).waitFor();
      assert.equal(await page.locator('.lead-card').count(), 1);

      await page.goto(`${ui.url}/#/leads?min=990&max=990`);
      const expected = (await ui.api('GET', `/leads?min_size=990&max_size=990&status=open&archived=false&size=500`)).body.length;
      assert.ok(expected > 0);
      await page.getByTestId('board-summary').filter({ hasText: `${expected} leads` }).waitFor();
      assert.equal(await page.getByLabel('Value from').inputValue(), '990');
    });

    it('lists leads in a table sorted by the column clicked', async () => {
      await page.goto(`${ui.url}/#/leads`);
      await page.getByRole('link', { name: 'List', exact: true }).click();
      const table = page.getByRole('table', { name: 'Leads' });
      await table.locator('tbody tr').nth(49).waitFor();
      await table.getByRole('link', { name: 'Name' }).click();
      await page.waitForURL(/sort=name&order=asc/);
      await table.locator('tbody tr').first().filter({ hasText: 'Bulk 00001' }).waitFor();
      await table.getByRole('link', { name: /Name/ }).click();
      await page.waitForURL(/sort=name&order=desc/);
      await table.locator('tbody tr').first().filter({ hasText: 'Bulk 09999' }).waitFor();
      await page.getByRole('button', { name: 'Load more leads' }).click();
      await table.locator('tbody tr').nth(99).waitFor();
      assert.equal(await table.locator('tbody tr').count(), 100);
    });

    it('moves a lead from the keyboard only when "Move" is pressed, not on the first arrow key', async () => {
      const lead = (await ui.api('POST', '/leads', { name: 'Keyboard Co', pipeline_id: pipeline._id })).body;
      await page.goto(`${ui.url}/#/leads?q=Keyboard`);
      const select = page.getByLabel('Stage of Keyboard Co');
      await select.focus();
      await page.keyboard.press('ArrowDown');
      const move = page.getByRole('button', { name: 'Move Keyboard Co' });
      await page.waitForFunction(() => !(document.querySelector('.move button') as HTMLButtonElement).disabled);
      assert.equal((await ui.api('GET', `/leads/${lead._id}`)).body.stage.name, 'Lead In', 'the arrow key alone moves nothing');
      await move.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Moved “Keyboard Co” to Contact Made' }).waitFor();
      assert.equal((await ui.api('GET', `/leads/${lead._id}`)).body.stage.name, 'Contact Made');
    });

    it('marks a lead lost with a reason; it leaves the open board and the Lost filter finds it', async () => {
      const lead = (await ui.api('POST', '/leads', { name: 'Lost Cause Ltd', pipeline_id: pipeline._id })).body;
      await page.goto(`${ui.url}/#/leads/${lead._id}`);
      await page.getByRole('button', { name: 'Mark as lost' }).click();
      await page.getByLabel('Why was it lost?').fill('Budget cut');
      await page.getByRole('button', { name: 'Confirm lost' }).click();
      await page.getByTestId('close-reason').filter({ hasText: 'Budget cut' }).waitFor();
      const saved = (await ui.api('GET', `/leads/${lead._id}`)).body;
      assert.equal(saved.status, 'lost');
      assert.equal(saved.close_reason, 'Budget cut');
      await page.getByRole('list', { name: 'Activity timeline' }).locator('li[data-type="lead:lost"]').waitFor();

      await page.goto(`${ui.url}/#/leads?q=Lost+Cause`);
      await page.getByTestId('board-summary').filter({ hasText: '0 leads' }).waitFor();
      await page.goto(`${ui.url}/#/leads?q=Lost+Cause&status=lost`);
      await page.getByRole('link', { name: 'Lost Cause Ltd' }).waitFor();
    });
  });
}
