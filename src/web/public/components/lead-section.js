// Shared frame of the lead page's sections: a titled card whose list reloads when the lead changes.
import { api } from '../api.js';
import { html } from '../html.js';
import { LoadError } from './page.js';
import { useLoad } from './use-load.js';

export function useLeadList(leadId, resource, version) {
  return useLoad(() => api.get(`/leads/${leadId}/${resource}?size=500`), [leadId, resource, version]);
}

export function Section({ id, title, list, children, empty = 'None yet.' }) {
  return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    ${list.data && list.data.length === 0 ? html`<p class="muted">${empty}</p>` : null}
    ${children}
  </section>`;
}
