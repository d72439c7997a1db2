// The delivery log's filters: status, event type, a time window and a lead. They live in the URL
// (`#/webhooks/<id>?status=&type=&from=&to=&lead=`, times as ISO), so a filtered log is a bookmark;
// `deliveryQuery` turns them into GET /webhooks/:id/deliveries parameters.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { localInputToIso, toLocalInput } from '../format.js';
import { Select, TextInput } from './field.js';
import { useLoad } from './use-load.js';

export const FILTER_KEYS = ['status', 'type', 'from', 'to', 'lead'];

const STATUSES = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
];

/** The filters of the URL that are set, by key. */
export function deliveryFilters(params = {}) {
  return Object.fromEntries(FILTER_KEYS.filter((k) => params[k]).map((k) => [k, params[k]]));
}

/** The API's names for the same filters. */
export function deliveryQuery(filters) {
  const { lead, ...rest } = filters;
  return { ...rest, lead_id: lead };
}

const localOf = (iso) => (iso && !Number.isNaN(Date.parse(iso)) ? toLocalInput(new Date(iso)) : '');
const isoOf = (local) => (local ? localInputToIso(local) : '');

export function DeliveryFilters({ webhookId, filters, keep = {} }) {
  const types = useLoad(() => api.get('/event-types'), []);
  const [type, setType] = useState(filters.type ?? '');
  const [from, setFrom] = useState(localOf(filters.from));
  const [to, setTo] = useState(localOf(filters.to));
  const [lead, setLead] = useState(filters.lead ?? '');
  const go = (change) => navigate(href(`webhooks/${webhookId}`, { ...keep, ...filters, ...change }));
  const apply = (event) => {
    event.preventDefault();
    go({ type, from: isoOf(from), to: isoOf(to), lead: lead.trim() });
  };
  const typeOptions = [
    { value: '', label: 'All events' },
    ...(types.data ?? (type ? [{ type }] : [])).map((t) => ({ value: t.type, label: t.type })),
    { value: 'webhook:test', label: 'webhook:test' },
  ];
  const any = Object.keys(filters).length > 0;
  return html`<form class="filters delivery-filters" role="search" aria-label="Filter deliveries" onSubmit=${apply}>
    <${Select} label="Status" name="delivery_status" value=${filters.status ?? ''} options=${STATUSES} onValue=${(s) => go({ status: s })} />
    <${Select} label="Event" name="delivery_type" value=${type} options=${typeOptions} onValue=${setType} />
    <${TextInput} label="From" name="delivery_from" type="datetime-local" value=${from} onValue=${setFrom} />
    <${TextInput} label="To" name="delivery_to" type="datetime-local" value=${to} onValue=${setTo} />
    <${TextInput} label="Lead id" name="delivery_lead" value=${lead} onValue=${setLead} placeholder="24 hex characters" />
    <div class="form-actions">
      <button type="submit">Apply filters</button>
      ${any ? html`<a href=${href(`webhooks/${webhookId}`, keep)}>Clear filters</a>` : null}
    </div>
  </form>`;
}
