// Steps shared by the browser tests.
import type { BrowserContext, Page } from 'playwright-core';
import type { UiServer } from './server.ts';

/** A new tab, freshly logged in as the server's owner, on the leads board. Confirm dialogs are accepted. */
export async function loggedInPage(context: BrowserContext, ui: UiServer): Promise<Page> {
  return logIn(context, ui, ui.owner);
}

/** A new tab logged in as the given user, on the leads board. */
export async function logIn(context: BrowserContext, ui: UiServer, user: { email: string; password: string }): Promise<Page> {
  // Every test logs in afresh, whatever an earlier test left in the shared profile.
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(ui.url);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Leads — Default' }).waitFor();
  return page;
}

/** Polls `check` (an API read) until it returns a value that is not undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
