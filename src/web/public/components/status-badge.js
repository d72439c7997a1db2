// Small coloured labels for webhook and delivery states; the text always says the state, so
// colour is never the only signal.
import { html } from '../html.js';

export function WebhookStatus({ webhook }) {
  return webhook.enabled
    ? html`<span class="badge badge-ok">Enabled</span>`
    : html`<span class="badge badge-off">Disabled</span>${webhook.disabled_reason ? html` <span class="small muted">${webhook.disabled_reason}</span>` : null}`;
}

const DELIVERY_CLASS = { succeeded: 'badge-ok', failed: 'badge-bad', pending: 'badge-wait' };

export function DeliveryStatus({ status }) {
  const label = status === 'succeeded' || status === 'failed' || status === 'pending' ? status : status.replaceAll('_', ' ');
  return html`<span class=${`badge ${DELIVERY_CLASS[status] ?? 'badge-bad'}`}>${label}</span>`;
}
