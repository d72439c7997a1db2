// The Error Log (docs/SPEC.md §4): every failed attempt, newest first, filterable by webhook, each
// linking to its delivery.
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatTime } from '../format.js';
import { Select } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useLoad } from '../components/use-load.js';

const SIZE = 50;

export function ErrorLogPage({ webhookId, page }) {
  const webhooks = useLoad(() => api.get('/webhooks?size=500'), []);
  const entries = useLoad(() => api.get(`/error-log${query({ webhook_id: webhookId, page, size: SIZE })}`), [webhookId, page]);
  const urlOf = (id) => webhooks.data?.find((w) => w._id === id)?.url ?? id;
  const go = (params) => navigate(href('error-log', params));
  const filter = html`<${Select} label="Webhook" name="webhook_filter" value=${webhookId ?? ''}
    options=${[{ value: '', label: 'All webhooks' }, ...(webhooks.data ?? []).map((w) => ({ value: w._id, label: w.url }))]}
    onValue=${(id) => go({ webhook_id: id })} />`;

  return html`<${Page} title="Error Log" actions=${filter}>
    <p class="muted">Every failed delivery attempt. The webhook's creator is also emailed about errors (at most once an hour per webhook).</p>
    ${entries.error ? html`<${LoadError} error=${entries.error} retry=${entries.reload} />` : null}
    ${entries.loading && !entries.data ? html`<${Loading} what="Loading errors" />` : null}
    ${entries.data && entries.data.length === 0 ? html`<p class="empty">No errors${webhookId ? ' for this webhook' : ''}. Deliveries are going through.</p>` : null}
    ${entries.data && entries.data.length > 0
      ? html`<div class="table-wrap"><table class="error-table">
          <thead><tr><th scope="col">Time</th><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">Attempt</th><th scope="col">Error</th><th scope="col">Status</th><th scope="col">Message</th></tr></thead>
          <tbody>${entries.data.map((e) => html`<tr key=${e._id}>
            <td data-label="Time">${formatTime(e.time)}</td>
            <td data-label="Webhook"><a href=${`#/webhooks/${e.webhook_id}`} class="url">${e.url ?? urlOf(e.webhook_id)}</a></td>
            <td data-label="Event"><div><a href=${`#/deliveries/${e.delivery_id}`}>${e.type}</a><div class="small muted"><code>${e.activity_id}</code></div></div></td>
            <td data-label="Attempt">${e.attempt}</td>
            <td data-label="Error"><span class="badge badge-bad">${e.category ?? 'failed'}</span></td>
            <td data-label="Status">${e.status ?? '—'}</td>
            <td data-label="Message"><div>${e.message ?? ''}${e.response_excerpt ? html`<pre class="excerpt">${e.response_excerpt}</pre>` : null}</div></td>
          </tr>`)}</tbody>
        </table></div>
        ${page > 1 || entries.data.length >= SIZE ? html`<nav class="pager" aria-label="Error log pages">
          <button type="button" disabled=${page <= 1} onClick=${() => go({ webhook_id: webhookId, page: page - 1 })}>Newer</button>
          <span>Page ${page}</span>
          <button type="button" disabled=${entries.data.length < SIZE} onClick=${() => go({ webhook_id: webhookId, page: page + 1 })}>Older</button>
        </nav>` : null}`
      : null}
  <//>`;
}
