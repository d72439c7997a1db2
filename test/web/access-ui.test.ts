// Getting in from the browser (needs the accounts/auth API of docs/UI.md "First run and access"):
// first-run setup, invitations and password resets through the email outbox, user management
// and API keys in Settings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startBareUiServer, startUiServer, type UiServer } from './support/server.ts';
import { eventually, loggedInPage } from './support/ui.ts';

const browser = useBrowser();

/** The link token of the newest outbox email to `to` whose text has `#/<route>?token=`. */
async function linkToken(ui: UiServer, to: string, route: string): Promise<string> {
  return eventually(async () => {
    const mails = (await ui.api('GET', '/email-outbox?size=50')).body as Array<{ to: string; text: string }>;
    const mail = mails.find((m) => m.to === to && m.text.includes(`#/${route}?token=`));
    return mail ? new RegExp(`#/${route}\\?token=([^\\s&"<>]+)`).exec(mail.text)![1] : undefined;
  });
}

for (const dialect of DIALECTS) {
  describe(`first run and access UI [${dialect}]`, () => {
    let ui: UiServer;
    before(async () => {
      ui = await startUiServer(dialect);
    });
    after(async () => {
      await ui?.stop();
    });

    it('offers setup on an empty database and logs the new admin in', async () => {
      const bare = await startBareUiServer(dialect);
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      try {
        await page.goto(bare.url);
        await page.getByRole('heading', { name: 'Set up leadhook' }).waitFor();
        await page.getByLabel('Workspace name').fill('Initech');
        await page.getByLabel('Your name').fill('Peter Gibbons');
        await page.getByLabel('Email').fill('peter@initech.test');
        await page.getByLabel('Password').fill('tps reports 2026');
        await page.getByRole('button', { name: 'Create workspace' }).click();
        await page.getByRole('heading', { level: 1, name: /^Leads/ }).waitFor();
        await page.reload();
        await page.getByRole('heading', { level: 1, name: /^Leads/ }).waitFor();
      } finally {
        await page.close();
        await bare.stop();
      }
    });

    it('invites a user from Settings → Users; the link lets them choose a password and log in', async () => {
      const page = await loggedInPage(browser.context, ui);
      const email = `newbie-${dialect}@example.test`;
      try {
        await page.goto(`${ui.url}/#/settings/users`);
        await page.getByLabel('Email').fill(email);
        await page.getByRole('button', { name: 'Send invitation' }).click();
        await page.getByRole('status').filter({ hasText: `Invitation sent to ${email}` }).waitFor();
      } finally {
        await page.close();
      }
      const token = await linkToken(ui, email, 'accept-invite');
      await browser.context.clearCookies();
      const invitee = await browser.context.newPage();
      try {
        await invitee.goto(`${ui.url}/#/accept-invite?token=${token}`);
        await invitee.getByRole('heading', { name: 'Join Acme' }).waitFor();
        await invitee.getByLabel('Your name').fill('Nia Newbie');
        await invitee.getByLabel('Password').fill('a fresh password');
        await invitee.getByRole('button', { name: 'Join' }).click();
        await invitee.getByRole('heading', { level: 1, name: /^Leads/ }).waitFor();
        const users = (await ui.api('GET', '/users')).body as Array<{ email: string; name: string }>;
        assert.equal(users.find((u) => u.email === email)?.name, 'Nia Newbie');
      } finally {
        await invitee.close();
      }
    });

    it('resets a forgotten password from the login page through the emailed link', async () => {
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      try {
        await page.goto(ui.url);
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.getByLabel('Email').fill(ui.owner.email);
        await page.getByRole('button', { name: 'Send reset link' }).click();
        await page.getByRole('status').filter({ hasText: 'a reset link is on its way' }).waitFor();
        const token = await linkToken(ui, ui.owner.email, 'reset-password');
        await page.goto(`${ui.url}/#/reset-password?token=${token}`);
        await page.getByLabel('New password', { exact: true }).fill('a brand new secret');
        await page.getByRole('button', { name: 'Save password and log in' }).click();
        await page.getByRole('heading', { level: 1, name: 'Leads — Default' }).waitFor();
        ui.owner.password = 'a brand new secret';
      } finally {
        await page.close();
      }
    });

    it('changes a role, disables and removes a user in Settings → Users', async () => {
      const member = (await ui.api('POST', '/users', { name: 'Temp Worker', email: `temp-${dialect}@example.test`, password: 'temp password 1' })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/users`);
        await page.getByLabel('Role of Temp Worker').selectOption('admin');
        await page.getByRole('status').filter({ hasText: 'Temp Worker is now admin' }).waitFor();
        assert.equal((await ui.api('GET', `/users/${member._id}`)).body.role, 'admin');
        await page.getByRole('button', { name: 'Disable Temp Worker' }).click();
        await page.getByRole('button', { name: 'Enable Temp Worker' }).waitFor();
        assert.equal((await ui.api('GET', `/users/${member._id}`)).body.disabled, true);
        await page.getByRole('button', { name: 'Remove Temp Worker' }).click();
        await page.getByRole('cell', { name: 'Temp Worker', exact: true }).waitFor({ state: 'detached' });
        assert.equal((await ui.api('GET', `/users/${member._id}`)).status, 404);
      } finally {
        await page.close();
      }
    });

    it('creates an API key shown once, which works until it is revoked', async () => {
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/settings/api-keys`);
        await page.getByLabel('Key name').fill('Zapier');
        await page.getByRole('button', { name: 'Create key' }).click();
        await page.getByRole('button', { name: 'Reveal key' }).click();
        const key = (await page.getByTestId('secret').innerText()).trim();
        const call = () => fetch(`${ui.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
        assert.equal((await call()).status, 200);
        const row = page.getByRole('row').filter({ hasText: 'Zapier' });
        await row.getByRole('button', { name: 'Revoke Zapier' }).click();
        await row.getByText(/^Revoked/).waitFor();
        assert.equal((await call()).status, 401);
      } finally {
        await page.close();
      }
    });
  });
}
