// A webhook's deliveries (GET /webhooks/:id/deliveries), filtered by status, event type, time and
// lead (components/delivery-filters.js) and paged, each with a link to its lead and a Retry button
// on each one that is not delivered.
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href } from '../router.js';
import { formatTime } from '../format.js';
import { LoadError } from './page.js';
import { DeliveryStatus } from './status-badge.js';
import { useAction, useLoad } from './use-load.js';
import { LeadOfActivity } from './lead-of-activity.js';
import { DeliveryFilters, deliveryQuery } from './delivery-filters.js';
import { useEffect, useState } from 'preact/hooks';

const SIZE = 25;

/** `keep`: the URL's other params (the audit window), kept when the filters change. */
export function DeliveriesTable({ webhookId, filters, keep = {}, version, setNotice }) {
  const filterKey = JSON.stringify(filters);
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  useEffect(() => setPage(1), [filterKey]);
  const list = useLoad(
    () => api.get(`/webhooks/${webhookId}/deliveries${query({ ...deliveryQuery(filters), page, size: SIZE })}`),
    [webhookId, filterKey, page, version, tick],
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
      <button type="button" onClick=${() => setTick((t) => t + 1)}>Refresh</button>
    </div>
    <${DeliveryFilters} key=${filterKey} webhookId=${webhookId} filters=${filters} keep=${keep} />
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    ${list.data && list.data.length === 0 ? html`<p class="muted">${filterKey === '{}' ? 'No deliveries yet.' : 'No deliveries match these filters.'}</p>` : null}
    ${list.data && list.data.length > 0
      ? html`<div class="table-wrap"><table class="deliveries-table">
          <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Created</th><th scope="col">Next attempt</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${list.data.map((d) => html`<tr key=${d._id}>
            <td data-label="Event"><a href=${`#/deliveries/${d._id}`}>${d.type}</a>${d.test ? html` <span class="badge">test</span>` : html` <${LeadOfActivity} activityId=${d.activity_id} label="lead"
              filterHref=${filters.lead ? undefined : (leadId) => href(`webhooks/${webhookId}`, { ...keep, ...filters, lead: leadId })} />`}</td>
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
