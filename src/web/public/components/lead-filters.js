// The leads filters shared by the board and the list. Every filter lives in the URL hash
// (`#/leads?view=list&q=acme&status=won…`), so a filtered view is a bookmark.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { Select, TextInput } from './field.js';

/** Hash params → GET /leads filter params. Closed leads leave the open board unless asked for. */
export function leadQuery(params) {
  const status = params.status ?? 'open';
  return {
    q: params.q,
    status: status === 'any' ? undefined : status,
    user_id: params.user,
    stage_id: params.stage,
    archived: params.archived === 'true' ? true : params.archived === 'any' ? undefined : false,
    min_size: params.min,
    max_size: params.max,
  };
}

export function LeadFilters({ params, users, stages }) {
  const [q, setQ] = useState(params.q ?? '');
  const [min, setMin] = useState(params.min ?? '');
  const [max, setMax] = useState(params.max ?? '');
  const [rangeError, setRangeError] = useState(null);
  const go = (changes) => navigate(href('leads', { ...params, ...changes }));
  const submit = (event) => {
    event.preventDefault();
    if (min !== '' && max !== '' && Number(min) > Number(max)) return setRangeError('The lowest value is above the highest');
    setRangeError(null);
    go({ q, min, max });
  };
  const options = (list) => [{ value: '', label: 'Any' }, ...list.map((x) => ({ value: x._id, label: x.name }))];
  return html`<form class="card filters" role="search" aria-label="Filter leads" onSubmit=${submit}>
    <${TextInput} label="Search" name="q" type="search" placeholder="Lead, contact, email, phone or organization" value=${q} onValue=${setQ} />
    <${Select} label="Status" name="status" value=${params.status ?? 'open'} onValue=${(status) => go({ status })}
      options=${[{ value: 'open', label: 'Open' }, { value: 'won', label: 'Won' }, { value: 'lost', label: 'Lost' }, { value: 'any', label: 'Any status' }]} />
    <${Select} label="Owner" name="owner" value=${params.user ?? ''} onValue=${(user) => go({ user })} options=${options(users ?? [])} />
    ${stages ? html`<${Select} label="Stage" name="stage_filter" value=${params.stage ?? ''} onValue=${(stage) => go({ stage })} options=${options(stages)} />` : null}
    <${Select} label="Archived" name="archived" value=${params.archived ?? 'false'} onValue=${(archived) => go({ archived })}
      options=${[{ value: 'false', label: 'Active leads' }, { value: 'true', label: 'Archived leads' }, { value: 'any', label: 'Both' }]} />
    <${TextInput} label="Value from" name="min" type="number" min="0" step="any" value=${min} onValue=${setMin} error=${rangeError} />
    <${TextInput} label="Value to" name="max" type="number" min="0" step="any" value=${max} onValue=${setMax} />
    <div class="form-actions">
      <button type="submit" class="primary">Apply</button>
      <a href=${href('leads', { view: params.view, pipeline: params.pipeline })}>Clear filters</a>
    </div>
  </form>`;
}
