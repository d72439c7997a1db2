// One delivery and each of its attempts: the exact request (secrets redacted by the server) and
// the response, or why there was none.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { settingsCrumbs } from '../components/settings-nav.js';
import { LeadOfActivity } from '../components/lead-of-activity.js';
import { formatTime } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';
import { DeliveryStatus } from '../components/status-badge.js';

export function DeliveryPage({ id }) {
  const [notice, setNotice] = useState(null);
  const delivery = useLoad(() => api.get(`/deliveries/${id}`), [id]);
  const [run, busy] = useAction(setNotice);
  // A retry or a first attempt due within the minute: look again shortly to show its outcome.
  const dueSoon = delivery.data?.status === 'pending' && Date.parse(delivery.data.next_attempt_at) - Date.now() < 60_000;
  useEffect(() => {
    if (!dueSoon) return undefined;
    const timer = setTimeout(delivery.reload, 1500);
    return () => clearTimeout(timer);
  }, [dueSoon, delivery.data]);
  if (delivery.error) return html`<${Page} title="Delivery"><${LoadError} error=${delivery.error} retry=${delivery.reload} /><//>`;
  if (!delivery.data) return html`<${Page} title="Delivery"><${Loading} /><//>`;
  const d = delivery.data;
  const crumbs = settingsCrumbs(['Integrations', '#/settings/webhooks'], ['Webhooks', '#/settings/webhooks'], ['Webhook', `#/webhooks/${d.webhook_id}`]);
  const retry = async () => {
    if (await run(() => api.post(`/deliveries/${id}/retry`), 'Retry queued')) delivery.reload();
  };
  // `attempts` is the count; `attempt_records` the attempts themselves, oldest first.
  const attempts = d.attempt_records ?? [];
  return html`<${Page} title=${`Delivery of ${d.type}`} crumbs=${crumbs} notice=${notice}
    actions=${html`<button type="button" onClick=${delivery.reload}>Refresh</button>
      ${d.status !== 'succeeded' ? html`<button type="button" class="primary" disabled=${busy} onClick=${retry}>Retry</button>` : null}`}>
    <dl class="facts">
      <dt>Status</dt><dd><${DeliveryStatus} status=${d.status} /></dd>
      <dt>webhook-id</dt><dd><code>${d.activity_id}</code></dd>
      ${d.test ? null : html`<dt>Lead</dt><dd><${LeadOfActivity} activityId=${d.activity_id} label="Open the lead" /></dd>`}
      ${d.lead_sequence === null || d.lead_sequence === undefined ? null : html`<dt>Lead sequence</dt>
        <dd><span class="lead-sequence">#${d.lead_sequence}</span>
          <span class="muted small">${d.previous_lead_sequence === 0 ? ' (first for this webhook)' : ` (previous #${d.previous_lead_sequence})`}</span></dd>`}
      <dt>Created</dt><dd>${formatTime(d.created_at)}</dd>
      <dt>Next attempt</dt><dd>${d.status === 'pending' ? formatTime(d.next_attempt_at) : '—'}</dd>
      <dt>Last error</dt><dd>${d.last_error ?? '—'}</dd>
    </dl>
    <h2>Attempts</h2>
    ${attempts.length === 0 ? html`<p class="muted">No attempt yet.</p>` : null}
    <ol class="attempts">${[...attempts].reverse().map((a) => html`<li key=${a._id}><${Attempt} attempt=${a} /></li>`)}</ol>
  <//>`;
}

function Attempt({ attempt: a }) {
  const { request, response, error, succeeded: ok } = a;
  return html`<article class=${`card attempt ${ok ? 'attempt-ok' : 'attempt-bad'}`} aria-label=${`Attempt ${a.attempt}`}>
    <header class="attempt-head">
      <h3>Attempt ${a.attempt}</h3>
      <span class=${`badge ${ok ? 'badge-ok' : 'badge-bad'}`}>${ok ? 'succeeded' : (error?.category ?? 'failed')}</span>
      <span class="muted small">${formatTime(a.started_at)} · ${a.duration_ms} ms${a.remote_address ? ` · ${a.remote_address}` : ''}</span>
    </header>
    ${error ? html`<p class="attempt-error"><strong>${error.category}</strong>: ${error.message}</p>` : null}
    <div class="exchange">
      <section><h4>Request</h4>
        <p class="small"><code>POST ${request.url}</code></p>
        <${Headers} headers=${request.headers} />
        <pre class="body" tabindex="0" aria-label="Request body">${pretty(request.body)}</pre>
      </section>
      <section><h4>Response</h4>
        ${!response || response.status === null
          ? html`<p class="muted">No response.</p>`
          : html`<p class="small">Status <strong class="response-status">${response.status}</strong>${response.truncated ? ' · body cut at 64 KiB' : ''}</p>
              <${Headers} headers=${response.headers} />
              <pre class="body" tabindex="0" aria-label="Response body">${pretty(response.body)}</pre>`}
      </section>
    </div>
  </article>`;
}

function Headers({ headers }) {
  const entries = Object.entries(typeof headers === 'string' ? safeParse(headers) ?? {} : (headers ?? {}));
  if (entries.length === 0) return null;
  return html`<details class="small"><summary>Headers (${entries.length})</summary>
    <dl class="headers">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${Array.isArray(v) ? v.join(', ') : String(v)}</dd>`)}</dl>
  </details>`;
}

function pretty(body) {
  if (body === null || body === undefined || body === '') return '(empty)';
  const parsed = safeParse(body);
  return parsed === undefined ? body : JSON.stringify(parsed, null, 2);
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
