// Settings → Webhooks in a real Chromium against the real server and worker, delivering to a
// local receiver: create, send a test, read the attempt, see errors in the Error Log, retry, and
// rotate the secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { DIALECTS } from '../helpers/databases.ts';
import { useBrowser } from './support/browser.ts';
import { startReceiver, statusByPath, type Receiver } from '../helpers/receiver.ts';
import { startUiServer, type UiServer } from './support/server.ts';
import { eventually, loggedInPage } from './support/ui.ts';

const browser = useBrowser();

const typeOf = (body: string): string => JSON.parse(body).activity.type;
const headersOf = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));

for (const dialect of DIALECTS) {
  describe(`webhooks UI [${dialect}]`, () => {
    let ui: UiServer;
    let receiver: Receiver;
    const statusFor = new Map<string, number>();
    before(async () => {
      ui = await startUiServer(dialect);
      receiver = await startReceiver(statusByPath(statusFor));
    });
    after(async () => {
      await receiver?.close();
      await ui?.stop();
    });

    it('creates a webhook with URL feedback, shows its secret once, sends a test and shows the attempt', async () => {
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
        await page.getByRole('button', { name: 'Add webhook' }).click();
        const url = page.getByLabel('Endpoint URL');
        await url.fill('ftp://example.com/hooks');
        await page.getByText('Only http:// and https:// URLs can receive webhooks').waitFor();
        assert.equal(await url.getAttribute('aria-invalid'), 'true');
        await url.fill(`${receiver.url('/created')}`);
        assert.equal(await url.getAttribute('aria-invalid'), null);
        assert.equal(await page.getByLabel('All events').isChecked(), true);
        await page.getByLabel('Handshake key (optional)').fill('hk-secret-1');
        await page.getByLabel('Description (optional)').fill('From the UI');
        await page.getByLabel('Send a traceparent header (OpenTelemetry)').check();
        assert.equal(await page.getByLabel('Delivery order').inputValue(), 'none');
        await page.getByLabel('Delivery order').selectOption('per_lead');
        await page.getByRole('button', { name: 'Create webhook' }).click();

        const secretBox = page.getByRole('region', { name: 'Signing secret' });
        await secretBox.waitFor();
        assert.match(await secretBox.getByTestId('secret').innerText(), /^•+$/);
        await secretBox.getByRole('button', { name: 'Reveal secret' }).click();
        const secret = (await secretBox.getByTestId('secret').innerText()).trim();
        assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);

        const listed = (await ui.api('GET', '/webhooks')).body;
        assert.equal(listed.length, 1);
        assert.deepEqual(
          { url: listed[0].url, events: listed[0].events, handshake_key: listed[0].handshake_key, description: listed[0].description, enabled: listed[0].enabled, send_traceparent: listed[0].send_traceparent, ordering: listed[0].ordering },
          { url: `${receiver.url('/created')}`, events: ['*'], handshake_key: 'hk-secret-1', description: 'From the UI', enabled: true, send_traceparent: true, ordering: 'per_lead' },
        );
        assert.equal(listed[0].secret, undefined, 'the list never shows the secret');

        await page.getByRole('table').getByRole('link', { name: `${receiver.url('/created')}`, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        await page.getByRole('button', { name: 'Send test' }).click();
        const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'webhook:test' }) });
        await row.getByText('succeeded', { exact: true }).waitFor();

        const received = await receiver.waitForRequest((r) => r.path === '/created' && typeOf(r.body) === 'webhook:test');
        assert.equal(JSON.parse(received.body).handshake_key, 'hk-secret-1');
        assert.doesNotThrow(() => new Webhook(secret).verify(received.body, headersOf(received.headers)));

        await row.getByRole('link', { name: 'webhook:test' }).click();
        await page.getByRole('heading', { level: 1, name: 'Delivery of webhook:test' }).waitFor();
        const attempt = page.getByRole('article', { name: 'Attempt 1' });
        await attempt.waitFor();
        assert.equal((await attempt.locator('.response-status').innerText()).trim(), '200');
        assert.equal(await attempt.getByText(`POST ${receiver.url('/created')}`).count(), 1);
        const requestBody = JSON.parse(await attempt.getByLabel('Request body').innerText());
        assert.equal(requestBody.activity.type, 'webhook:test');
        assert.equal(requestBody.handshake_key, '[redacted]');
        assert.deepEqual(JSON.parse(await attempt.getByLabel('Response body').innerText()), { received: true });
      } finally {
        await page.close();
      }
    });

    it("shows a failing webhook's errors in the Error Log, and a retry delivers it", async () => {
      statusFor.set('/failing', 500);
      const webhook = (await ui.api('POST', '/webhooks', { url: `${receiver.url('/failing')}`, events: ['lead:created'] })).body;
      const pipeline = (await ui.api('GET', '/pipelines')).body[0];
      const lead = (await ui.api('POST', '/leads', { name: 'Initech', pipeline_id: pipeline._id })).body;
      await receiver.waitForRequest((r) => r.path === '/failing');
      await eventually(async () => {
        const errors = (await ui.api('GET', `/error-log?webhook_id=${webhook._id}`)).body;
        return errors.length > 0 ? errors : undefined;
      });

      const page = await loggedInPage(browser.context, ui);
      try {
        await page.getByRole('link', { name: 'Error Log' }).click();
        await page.getByRole('heading', { level: 1, name: 'Error Log' }).waitFor();
        await page.getByLabel('Webhook').selectOption({ label: `${receiver.url('/failing')}` });
        await page.waitForURL(`**/#/error-log?webhook_id=${webhook._id}`);
        const rows = page.locator('table.error-table tbody tr');
        await rows.first().waitFor();
        assert.equal(await rows.count(), 1);
        const cells = await rows.first().locator('td').allInnerTexts();
        assert.match(cells[1]!, new RegExp(`${receiver.url('/failing')}`));
        assert.match(cells[2]!, /^lead:created/);
        assert.equal(cells[3], '1');
        assert.equal(cells[4], 'http_status');
        assert.equal(cells[5], '500');

        // The first retry is scheduled 5 s later on the server's manual clock, which does not
        // move: only the Retry button can bring it forward.
        await rows.first().getByRole('link', { name: 'lead:created' }).click();
        await page.getByRole('heading', { level: 1, name: 'Delivery of lead:created' }).waitFor();
        await page.getByRole('article', { name: 'Attempt 1' }).getByText('http_status').first().waitFor();
        statusFor.set('/failing', 200);
        await page.getByRole('button', { name: 'Retry' }).click();
        await page.getByRole('article', { name: 'Attempt 2' }).waitFor();
        assert.equal((await page.getByRole('article', { name: 'Attempt 2' }).locator('.response-status').innerText()).trim(), '200');
        await page.getByText('succeeded', { exact: true }).first().waitFor();

        const deliveries = (await ui.api('GET', `/webhooks/${webhook._id}/deliveries`)).body;
        assert.deepEqual(
          deliveries.map((d: { status: string; attempts: number; activity_id: string }) => [d.status, d.attempts]),
          [['succeeded', 2]],
        );
        const bodies = receiver.requests.filter((r) => r.path === '/failing');
        assert.equal(bodies.length, 2);
        assert.equal(bodies[0]!.body, bodies[1]!.body, 'a retry sends the same bytes');
        assert.equal(bodies[0]!.headers['webhook-id'], bodies[1]!.headers['webhook-id']);
        assert.equal(JSON.parse(bodies[1]!.body).lead._id, lead._id);
      } finally {
        await page.close();
      }
    });

    it('rotates the signing secret; the new secret verifies the next delivery', async () => {
      const created = (await ui.api('POST', '/webhooks', { url: `${receiver.url('/rotating')}`, events: ['lead:created'] })).body;
      const page = await loggedInPage(browser.context, ui);
      try {
        await page.goto(`${ui.url}/#/webhooks/${created._id}`);
        await page.getByRole('heading', { level: 1, name: 'Webhook' }).waitFor();
        await page.getByRole('button', { name: 'Rotate secret' }).click();
        const secretBox = page.getByRole('region', { name: 'Signing secret' });
        await secretBox.getByRole('button', { name: 'Reveal secret' }).click();
        const rotated = (await secretBox.getByTestId('secret').innerText()).trim();
        assert.match(rotated, /^whsec_/);
        assert.notEqual(rotated, created.secret);

        const pipeline = (await ui.api('GET', '/pipelines')).body[0];
        await ui.api('POST', '/leads', { name: 'Hooli', pipeline_id: pipeline._id });
        const received = await receiver.waitForRequest((r) => r.path === '/rotating');
        const headers = headersOf(received.headers);
        assert.doesNotThrow(() => new Webhook(rotated).verify(received.body, headers));
        // During the 24 h overlap the old secret signs too (docs/SPEC.md §3).
        assert.equal(headers['webhook-signature']!.split(' ').length, 2);
        assert.doesNotThrow(() => new Webhook(created.secret).verify(received.body, headers));
      } finally {
        await page.close();
      }
    });
  });
}
