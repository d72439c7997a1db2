// Screenshots of every page of the web UI at desktop (1280×800) and phone (390×844) widths, into
// docs/screenshots/ (or the folder given as the first argument). Starts its own leadhook on a
// temporary SQLite database and a local receiver; nothing leaves 127.0.0.1.
//   node --import tsx scripts/screenshots.ts [outDir]
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/web/support/browser.ts';
import { startReceiver, statusByPath } from '../test/helpers/receiver.ts';
import { startUiServer } from '../test/web/support/server.ts';
import { seedShowcase } from './screenshot-data.ts';

const outDir = process.argv[2] ?? 'docs/screenshots';
fs.mkdirSync(outDir, { recursive: true });
const SIZES = [
  [1280, 800, 'desktop'],
  [390, 844, 'phone'],
] as const;

const ui = await startUiServer('sqlite');
const receiver = await startReceiver(statusByPath(new Map([['/failing', 500]])));
const browser = await launchBrowser();
try {
  const ids = await seedShowcase(ui, receiver);
  const loggedOut: Array<[string, string]> = [
    ['login', ''],
    ['forgot-password', '#/forgot-password'],
    ['reset-password', '#/reset-password?token=example'],
  ];
  const pages: Array<[string, string]> = [
    ['board', '#/leads'],
    ['board-won', '#/leads?status=won'],
    ['list', '#/leads?view=list&status=any&sort=size&order=desc'],
    ['lead', `#/leads/${ids.leadId}`],
    ['contacts', '#/contacts'],
    ['contact', `#/contacts/${ids.contactId}`],
    ['organizations', '#/organizations'],
    ['organization', `#/organizations/${ids.organizationId}`],
    ['webhooks', '#/settings/webhooks'],
    ['webhook', `#/webhooks/${ids.failingWebhookId}`],
    ['delivery', `#/deliveries/${ids.deliveryId}`],
    ['event-types', '#/settings/event-types'],
    ['users', '#/settings/users'],
    ['api-keys', '#/settings/api-keys'],
    ['pipelines', '#/settings/pipelines'],
    ['account', '#/settings/account'],
    ['error-log', '#/error-log'],
    ['email-outbox', '#/email-outbox'],
  ];
  const page = await browser.context.newPage();
  for (const [width, height, label] of SIZES) {
    await page.setViewportSize({ width, height });
    for (const [name, hash] of loggedOut) await visit(page, name, label, hash);
  }
  await page.goto(ui.url);
  await page.getByLabel('Email').fill(ui.owner.email);
  await page.getByLabel('Password').fill(ui.owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /Leads/ }).waitFor();
  for (const [width, height, label] of SIZES) {
    await page.setViewportSize({ width, height });
    for (const [name, hash] of pages) await visit(page, name, label, hash);
  }
  // The README's and docs/UI.md's picture.
  fs.copyFileSync(path.join(outDir, 'webhooks-desktop.png'), path.join(outDir, 'webhooks.png'));
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await receiver.close();
  await ui.stop();
}

async function visit(page: Page, name: string, label: string, hash: string): Promise<void> {
  await page.goto(`${ui.url}/${hash}`);
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  // A hash change is not a navigation: give the page's own fetches a moment to land.
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(outDir, `${name}-${label}.png`), fullPage: true });
}
