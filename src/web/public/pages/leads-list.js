// The leads list: a sortable table (name, value, stage, owner, next todo, updated) with "Load more".
// Sorting is done by the API (`sort`, `order`) and kept in the hash with the filters.
import { query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { Select } from '../components/field.js';
import { formatAmount, formatTime } from '../format.js';
import { NextStepBadge } from '../components/lead-card.js';
import { LoadError } from '../components/page.js';
import { usePagedList } from '../components/use-paged.js';

const PAGE = 50;
const COLUMNS = [
  ['name', 'Name'],
  ['size', 'Value'],
  ['stage', 'Stage'],
  [null, 'Owner'],
  ['next_todo', 'Next todo'],
  ['updated_at', 'Updated'],
];

export function LeadsTable({ filter, params, version }) {
  const sort = params.sort ?? 'updated_at';
  const order = params.order ?? (params.sort ? 'asc' : 'desc');
  const key = JSON.stringify([filter, sort, order]);
  const leads = usePagedList((page) => `/leads${query({ ...filter, sort, order, size: PAGE, page })}`, PAGE, [key, version]);
  const header = ([field, label]) => {
    if (!field) return html`<th scope="col">${label}</th>`;
    const active = field === sort;
    const next = active && order === 'asc' ? 'desc' : 'asc';
    return html`<th scope="col" aria-sort=${active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href=${href('leads', { ...params, sort: field, order: next })}>${label}${active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</a>
    </th>`;
  };
  // Phones hide the table header (rows become cards), so sorting is offered as a select there.
  const sortPicker = html`<div class="phone-only"><${Select} label="Sort by" name="sort" value=${`${sort}:${order}`}
    onValue=${(v) => navigate(href('leads', { ...params, sort: v.split(':')[0], order: v.split(':')[1] }))}
    options=${COLUMNS.filter(([f]) => f).flatMap(([f, label]) => [{ value: `${f}:asc`, label: `${label} ↑` }, { value: `${f}:desc`, label: `${label} ↓` }])} /></div>`;
  return html`${sortPicker}<div class="table-wrap">
    <table aria-label="Leads">
      <thead><tr>${COLUMNS.map(header)}</tr></thead>
      <tbody>
        ${leads.items.map(
          (l) => html`<tr key=${l._id}>
            <td data-label="Name"><a href=${`#/leads/${l._id}`}>${l.name}</a>
              ${l.status !== 'open' ? html` <span class=${`badge badge-${l.status}`}>${l.status}</span>` : null}
              ${l.archived ? html` <span class="badge">archived</span>` : null}</td>
            <td data-label="Value">${formatAmount(l.size)}</td>
            <td data-label="Stage">${l.stage.name}</td>
            <td data-label="Owner">${l.user?.name ?? '—'}</td>
            <td data-label="Next todo"><${NextStepBadge} day=${l.next_todo_date} /></td>
            <td data-label="Updated">${formatTime(l.updated_at)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${leads.error ? html`<${LoadError} error=${leads.error} retry=${leads.reload} />` : null}
    ${leads.loading ? html`<p class="muted" role="status">Loading leads…</p>` : null}
    ${!leads.loading && leads.items.length === 0 && !leads.error ? html`<p class="empty">No lead matches these filters.</p>` : null}
    ${!leads.loading && !leads.done ? html`<p class="pager"><button type="button" onClick=${leads.more}>Load more leads</button></p>` : null}
  </div>`;
}
