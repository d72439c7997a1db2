// A webhook's health at a glance: disabled, failing (last delivery failed, or under 90 % of the
// last 24 h attempts succeeded) or healthy, with the success rate and the last error message.
import { api } from '../api.js';
import { html } from '../html.js';
import { formatPercent, formatTime } from '../format.js';
import { successRate } from './health-chart.js';
import { useLoad } from './use-load.js';

export function healthOf(webhook, rate) {
  if (!webhook.enabled) return 'disabled';
  if (webhook.last_delivery?.status === 'failed' || (rate !== null && rate < 0.9)) return 'failing';
  return 'healthy';
}

const BADGE = { healthy: 'badge-ok', failing: 'badge-bad', disabled: 'badge-off' };
const LABEL = { healthy: 'Healthy', failing: 'Failing', disabled: 'Disabled' };

export function WebhookHealth({ webhook }) {
  const stats = useLoad(() => api.get(`/webhooks/${webhook._id}/stats`), [webhook._id]);
  const lastError = useLoad(() => api.get(`/error-log?webhook_id=${webhook._id}&size=1`), [webhook._id]);
  const rate = stats.data ? successRate(stats.data) : null;
  const state = healthOf(webhook, rate);
  const error = lastError.data?.[0];
  return html`<div class="health" data-health=${state}>
    <span class=${`badge ${BADGE[state]}`}>${LABEL[state]}</span>
    <span class="small"> ${formatPercent(rate)} succeeded (24 h)</span>
    ${!webhook.enabled && webhook.disabled_reason ? html`<div class="small muted">${webhook.disabled_reason}</div>` : null}
    ${webhook.paused_until ? html`<div class="small">Paused by the receiver until ${formatTime(webhook.paused_until)}</div>` : null}
    ${error ? html`<div class="small last-error">Last error ${formatTime(error.time)}: ${error.message ?? error.category ?? 'failed'}</div>` : null}
  </div>`;
}
