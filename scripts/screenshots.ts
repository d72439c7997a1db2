// Screenshots of every page of the web UI at desktop (1280×800) and phone (390×844) widths, into
// /tmp/leadhook-shots/ (or the folder given as the first argument). Starts its own leadhook on a
// temporary SQLite database and a local receiver; nothing leaves 127.0.0.1.
//   node --import tsx scripts/screenshots.ts [outDir]
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/web/support/browser.ts';
import { startReceiver, statusByPath } from '../test/helpers/receiver.ts';
import { startUiServer } from '../test/web/support/server.ts';

const outDir = process.argv[2] ?? '/tmp/leadhook-shots';
fs.mkdirSync(outDir, { recursive: true });

const ui = await startUiServer('sqlite');
const receiver = await startReceiver(statusByPath(new Map([['/failing', 500]])));
const browser = await launchBrowser();
try {
  const { leadId, webhookId, deliveryId } = await seed();
  const pages: Array<[string, string]> = [
    ['board', '#/leads'],
    ['lead', `#/leads/${leadId}`],
    ['webhooks', '#/settings/webhooks'],
    ['webhook', `#/webhooks/${webhookId}`],
    ['delivery', `#/deliveries/${deliveryId}`],
    ['error-log', '#/error-log'],
    ['email-outbox', '#/email-outbox'],
    ['account', '#/account'],
  ];
  const page = await browser.context.newPage();
  await page.goto(ui.url);
  await shoot(page, 'login', 'desktop');
  await page.getByLabel('Email').fill(ui.owner.email);
  await page.getByLabel('Password').fill(ui.owner.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /Leads/ }).waitFor();
  for (const [width, height, label] of [
    [1280, 800, 'desktop'],
    [390, 844, 'phone'],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const [name, hash] of pages) {
      await page.goto(`${ui.url}/${hash}`);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      // A hash change is not a navigation: give the page's own fetches a moment to land.
      await page.waitForTimeout(500);
      await shoot(page, name, label);
    }
  }
  fs.mkdirSync('docs/screenshots', { recursive: true });
  fs.copyFileSync(path.join(outDir, 'webhooks-desktop.png'), 'docs/screenshots/webhooks.png');
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await receiver.close();
  await ui.stop();
}

async function shoot(page: Page, name: string, label: string): Promise<void> {
  await page.screenshot({ path: path.join(outDir, `${name}-${label}.png`), fullPage: true });
}

/** A pipeline with leads in several stages, a lead with history, a healthy and a failing webhook. */
async function seed(): Promise<{ leadId: string; webhookId: string; deliveryId: string }> {
  const pipeline = (await ui.api('GET', '/pipelines')).body[0];
  const healthy = (await ui.api('POST', '/webhooks', { url: `${receiver.url('/hooks')}`, description: 'CRM sync', handshake_key: 'hk-123' })).body;
  await ui.api('POST', '/webhooks', { url: `${receiver.url('/failing')}`, events: ['lead:won', 'lead:lost'], description: 'Sales alerts' });
  const names = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises'];
  let leadId = '';
  for (const [i, name] of names.entries()) {
    const lead = (await ui.api('POST', '/leads', { name, pipeline_id: pipeline._id, stage_id: pipeline.stages[i % 5]._id, size: 1000 * (i + 1) })).body;
    leadId ||= lead._id;
  }
  await ui.api('PUT', `/leads/${leadId}`, { stage_id: pipeline.stages[2]._id, user_id: ui.owner.userId, size: 12500 });
  await ui.api('POST', `/leads/${leadId}/notes`, { content: 'Asked for a proposal by Friday.' });
  await ui.api('POST', `/leads/${leadId}/todos`, { name: 'Send proposal', type: 'Email', date: '2026-02-02', time: '9:30 AM' });
  await ui.api('POST', `/leads/${leadId}/fields`, { name: 'Industry', value: 'Manufacturing' });
  await ui.api('PUT', `/leads/${names.length > 1 ? leadId : leadId}`, { status: 'won' });
  await receiver.waitForRequest((r) => r.path === '/failing', 15_000).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const deliveries = (await ui.api('GET', `/webhooks/${healthy?._id}/deliveries`)).body;
  return { leadId, webhookId: healthy?._id ?? 'none', deliveryId: Array.isArray(deliveries) ? (deliveries[0]?._id ?? 'none') : 'none' };
}
