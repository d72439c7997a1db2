// A webhook's page in Chromium, for the operator's tools: the delivery log filtered by event type,
// time window and lead (in the URL), with links to each delivery's lead; "Send example" of a chosen
// type, received by a real receiver; the current signing secret shown after the password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { useUiWithReceiver } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

/** A `datetime-local` value in this machine's time zone, which the browser shares. */
function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

for (const dialect of DIALECTS) {
  describe(`webhook operator tools UI [${dialect}]`, () => {
    const started = useUiWithReceiver(dialect);

    it('filters the delivery log by event, lead and time from the URL, and links each delivery to its lead', async () => {
      const { ui, receiver } = started();
      const hook = (await ui.api('POST', '/webhooks', { url: receiver.url('/filters'), events: ['lead:created', 'lead:moved'] })).body;
      const pipe = (await ui.api('GET', '/pipelines')).body[0];
      const acme = (await ui.api('POST', '/leads', { name: 'Acme filters', pipeline_id: pipe._id })).body;
      const globex = (await ui.api('POST', '/leads', { name: 'Globex filters', pipeline_id: pipe._id })).body;
      await ui.api('PUT', `/leads/${acme._id}`, { stage_id: pipe.stages[1]._id });
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${hook._id}`);
        const deliveries = page.getByRole('region', { name: 'Deliveries' });
        const rows = deliveries.locator('tbody tr');
        await rows.nth(2).waitFor();
        assert.equal(await rows.count(), 3);

        const filters = page.getByRole('search', { name: 'Filter deliveries' });
        await filters.getByLabel('Event').selectOption('lead:moved');
        await filters.getByRole('button', { name: 'Apply filters' }).click();
        await page.waitForURL(/type=lead%3Amoved/);
        await rows.nth(1).waitFor({ state: 'detached' });
        assert.deepEqual(await rows.locator('td[data-label="Event"] > a:first-child').allInnerTexts(), ['lead:moved']);

        await filters.getByRole('link', { name: 'Clear filters' }).click();
        await rows.nth(2).waitFor();
        const globexRow = rows.filter({ has: page.locator(`a[href="#/leads/${globex._id}"]`) });
        await globexRow.getByRole('link', { name: 'only this lead' }).click();
        await page.waitForURL(new RegExp(`lead=${globex._id}`));
        await rows.nth(1).waitFor({ state: 'detached' });
        assert.equal(await rows.count(), 1);
        assert.equal(await filters.getByLabel('Lead id').inputValue(), globex._id);

        const now = ui.clock.now().getTime();
        await filters.getByLabel('From').fill(toLocalInput(new Date(now + 3_600_000)));
        await filters.getByRole('button', { name: 'Apply filters' }).click();
        await page.waitForURL(/from=/);
        await deliveries.getByText('No deliveries match these filters.').waitFor();
        await filters.getByLabel('From').fill(toLocalInput(new Date(now - 3_600_000)));
        await filters.getByLabel('To').fill(toLocalInput(new Date(now + 3_600_000)));
        await filters.getByRole('button', { name: 'Apply filters' }).click();
        await page.waitForURL(/to=/);
        await rows.first().waitFor();
        assert.equal(await rows.count(), 1, 'the lead filter still applies with the time window');
        assert.match(page.url(), new RegExp(`lead=${globex._id}`));

        await page.reload();
        await rows.first().waitFor();
        assert.equal(await rows.count(), 1, 'the filtered log is a bookmark');
        await rows.first().getByRole('link', { name: 'lead', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Globex filters' }).waitFor();
      } finally {
        await page.close();
      }
    });

    it('sends an example of the chosen type, received and listed as a test delivery', async () => {
      const { ui, receiver } = started();
      const hook = (await ui.api('POST', '/webhooks', { url: receiver.url('/examples'), events: ['lead:created'] })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${hook._id}`);
        const form = page.getByRole('form', { name: 'Send an example event' });
        await form.getByLabel('Example of').locator('option[value="todo:date_changed"]').waitFor({ state: 'attached' });
        await form.getByLabel('Example of').selectOption('todo:date_changed');
        await form.getByRole('button', { name: 'Send example' }).click();
        const received = await receiver.waitForRequest((r) => r.path === '/examples');
        const body = JSON.parse(received.body);
        assert.equal(body.activity.type, 'todo:date_changed');
        assert.equal(typeof body.activity.todo_date, 'string');
        assert.deepEqual(Object.keys(body), ['activity', 'lead']);
        const row = page.getByRole('region', { name: 'Deliveries' }).locator('tbody tr').filter({ hasText: 'todo:date_changed' });
        await row.getByText('test', { exact: true }).waitFor();
        await row.getByText('Succeeded').waitFor();
      } finally {
        await page.close();
      }
    });

    it('shows the current signing secret after the password, and not on a wrong one', async () => {
      const { ui, receiver } = started();
      const hook = (await ui.api('POST', '/webhooks', { url: receiver.url('/secret') })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${hook._id}`);
        await page.getByRole('button', { name: 'Show current secret' }).click();
        const confirm = page.getByRole('region', { name: 'Show the current signing secret' });
        await confirm.getByLabel('Your password').fill('not my password');
        await confirm.getByRole('button', { name: 'Show secret' }).click();
        await confirm.getByText('The password is wrong').waitFor();
        assert.equal(await page.getByText(hook.secret).count(), 0);
        await confirm.getByLabel('Your password').fill(ui.owner.password);
        await confirm.getByRole('button', { name: 'Show secret' }).click();
        const box = page.getByRole('region', { name: 'Current signing secret' });
        assert.equal((await box.getByTestId('secret').innerText()).trim(), hook.secret);
        await box.getByRole('button', { name: 'Done' }).click();
        await box.waitFor({ state: 'detached' });
      } finally {
        await page.close();
      }
    });
  });
}
