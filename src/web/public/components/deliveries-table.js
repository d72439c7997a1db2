// A webhook's deliveries (GET /webhooks/:id/deliveries), filtered by status and paged, with a
// Retry button on each one that is not delivered.
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatTime } from '../format.js';
import { Select } from './field.js';
import { LoadError } from './page.js';
import { DeliveryStatus } from './status-badge.js';
import { useAction, useLoad } from './use-load.js';
import { LeadOfActivity } from './lead-of-activity.js';
import { useEffect, useState } from 'preact/hooks';

const SIZE = 25;
const STATUSES = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];

export function DeliveriesTable({ webhookId, status, version, setNotice }) {
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(
    () => api.get(`/webhooks/${webhookId}/deliveries${query({ status, page, size: SIZE })}`),
    [webhookId, status, page, version, tick],
  );
  const [run, busy] = useAction(setNotice);
  // While a delivery is about to be attempted, look again shortly, so a test or a retry shows its
  // outcome without a manual refresh.
  const dueSoon = (list.data ?? []).some((d) => d.status === 'pending' && Date.parse(d.next_attempt_at) - Date.now() < 60_000);
  useEffect(() => {
    if (!dueSoon) return undefined;
    const timer = setTimeout(() => setTick((t) => t + 1), 1500);
    return () => clearTimeout(timer);
  }, [dueSoon, list.data]);
  const retry = async (d) => {
    if (await run(() => api.post(`/deliveries/${d._id}/retry`), 'Retry queued')) setTick((t) => t + 1);
  };
  return html`<section class="card" aria-labelledby="deliveries-title">
    <div class="section-head">
      <h2 id="deliveries-title">Deliveries</h2>
      <${Select} label="Status" name="delivery_status" value=${status ?? ''} options=${STATUSES}
        onValue=${(s) => {
          setPage(1);
          navigate(href(`webhooks/${webhookId}`, { status: s }));
        }} />
      <button type="button" onClick=${() => setTick((t) => t + 1)}>Refresh</button>
    </div>
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    ${list.data && list.data.length === 0 ? html`<p class="muted">No deliveries${status ? ` with status ${status}` : ''} yet.</p>` : null}
    ${list.data && list.data.length > 0
      ? html`<div class="table-wrap"><table class="deliveries-table">
          <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Created</th><th scope="col">Next attempt</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${list.data.map((d) => html`<tr key=${d._id}>
            <td data-label="Event"><a href=${`#/deliveries/${d._id}`}>${d.type}</a>${d.test ? html` <span class="badge">test</span>` : html` <${LeadOfActivity} activityId=${d.activity_id} label="lead" />`}</td>
            <td data-label="Status"><${DeliveryStatus} status=${d.status} /></td>
            <td data-label="Attempts">${d.attempts}</td>
            <td data-label="Last answer">${d.last_status ?? ''} ${d.last_error ? html`<span class="small muted">${d.last_error}</span>` : null}</td>
            <td data-label="Created">${formatTime(d.created_at)}</td>
            <td data-label="Next attempt">${d.status === 'pending' ? formatTime(d.next_attempt_at) : '—'}</td>
            <td>${d.status !== 'succeeded' ? html`<button type="button" class="small-button" disabled=${busy} onClick=${() => retry(d)}>Retry<span class="visually-hidden"> ${d.type}</span></button>` : null}</td>
          </tr>`)}</tbody>
        </table></div>
        ${page > 1 || list.data.length >= SIZE ? html`<nav class="pager" aria-label="Deliveries pages">
          <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Newer</button>
          <span>Page ${page}</span>
          <button type="button" disabled=${list.data.length < SIZE} onClick=${() => setPage(page + 1)}>Older</button>
        </nav>` : null}`
      : null}
  </section>`;
}
