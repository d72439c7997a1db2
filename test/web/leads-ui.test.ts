// The leads UI in a real Chromium against the real server (API + UI + worker): logging in, and
// moving a lead on the board until the activity shows on the lead page and reaches a webhook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startReceiver, statusByPath, type Receiver } from '../helpers/receiver.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { loggedInPage } from './support/ui.ts';

const browser = useBrowser();

for (const dialect of DIALECTS) {
  describe(`leads UI [${dialect}]`, () => {
    let ui: UiServer;
    let receiver: Receiver;
    const statusFor = new Map<string, number>();
    let secret: string;
    before(async () => {
      ui = await startUiServer(dialect);
      receiver = await startReceiver(statusByPath(statusFor));
      const created = await ui.api('POST', '/webhooks', { url: `${receiver.url('/hooks')}`, events: ['lead:moved'] });
      assert.equal(created.status, 201);
      secret = created.body.secret;
    });
    after(async () => {
      await receiver?.close();
      await ui?.stop();
    });

    it('refuses a wrong password with a message, then logs in with the right one', async () => {
      const page = await browser.context.newPage();
      try {
        await page.goto(ui.url);
        await page.getByLabel('Email').fill(ui.owner.email);
        await page.getByLabel('Password').fill('not my password');
        await page.getByRole('button', { name: 'Log in' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        assert.equal((await alert.innerText()).trim(), 'Wrong email or password');
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);

        await page.getByLabel('Password').fill(ui.owner.password);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('heading', { level: 1, name: 'Leads — Default' }).waitFor();
        const cookies = await browser.context.cookies(ui.url);
        const session = cookies.find((c) => c.name === 'lh_session');
        assert.equal(session?.httpOnly, true);
        assert.equal(session?.sameSite, 'Lax');
        assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is not readable by scripts');

        await page.getByRole('button', { name: 'Log out' }).click();
        await page.getByRole('heading', { name: 'Log in to leadhook' }).waitFor();
      } finally {
        await page.close();
      }
    });

    it('moves a lead with the stage select; the lead page and the webhook receiver see lead:moved', async () => {
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Acme', pipeline_id: pipeline._id })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByLabel('Stage of Acme').selectOption({ label: 'Offer' });
        await page.getByRole('button', { name: 'Move Acme' }).click();
        await page.getByRole('status').filter({ hasText: 'Moved “Acme” to Offer' }).waitFor();
        const offerColumn = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Offer/ }) });
        await offerColumn.getByRole('link', { name: 'Acme' }).waitFor();
        assert.equal((await ui.api('GET', `/leads/${lead._id}`)).body.stage.name, 'Offer');

        await offerColumn.getByRole('link', { name: 'Acme' }).click();
        await page.getByRole('heading', { level: 1, name: 'Acme' }).waitFor();
        const timeline = page.getByRole('list', { name: 'Activity timeline' });
        await timeline.getByText('moved the lead from Lead In to Offer').waitFor();
        assert.deepEqual(await timeline.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type'))), [
          'lead:moved',
          'lead:created',
        ]);
        assert.equal(
          (await timeline.locator('li[data-type="lead:moved"] .timeline-text').innerText()).trim(),
          'Ada Owner moved the lead from Lead In to Offer',
        );

        const request = await receiver.waitForRequest((r) => JSON.parse(r.body).activity.type === 'lead:moved');
        const body = JSON.parse(request.body);
        assert.equal(body.activity.old_stage_name, 'Lead In');
        assert.equal(body.activity.new_stage_name, 'Offer');
        assert.equal(body.activity.user.name, 'Ada Owner');
        assert.deepEqual(body.lead, { _id: lead._id, name: 'Acme', stage: { _id: pipeline.stages[3]._id, name: 'Offer' }, pipe: { _id: pipeline._id, name: 'Default' } });
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        assert.doesNotThrow(() => new Webhook(secret).verify(request.body, headers));
      } finally {
        await page.close();
      }
    });

    it('renames a lead and adds a note from the lead page, each recorded on the timeline', async () => {
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Globex', pipeline_id: pipeline._id })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/leads/${lead._id}`);
        await page.getByRole('heading', { level: 1, name: 'Globex' }).waitFor();
        await page.getByLabel('Name', { exact: true }).fill('Globex Corp');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Globex Corp' }).waitFor();
        await page.getByLabel('New note').fill('Call back on Monday');
        await page.getByRole('button', { name: 'Add note' }).click();
        const timeline = page.getByRole('list', { name: 'Activity timeline' });
        await timeline.getByText('added a note: “Call back on Monday”').waitFor();
        assert.deepEqual(await timeline.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type'))), [
          'note:created',
          'lead:name_changed',
          'lead:created',
        ]);
        const notes = (await ui.api('GET', `/leads/${lead._id}/notes`)).body;
        assert.deepEqual(notes.map((n: { content: string }) => n.content), ['Call back on Monday']);
      } finally {
        await page.close();
      }
    });
  });
}
