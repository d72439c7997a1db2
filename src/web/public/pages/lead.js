// A lead: its fields, the forms whose changes become activities, and the activity timeline.
// Every change reloads the lead and its timeline, so what a webhook receives is visible here too.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { formatAmount, formatTime } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useLoad } from '../components/use-load.js';
import { LeadEditor } from '../components/lead-editor.js';
import { Timeline } from '../components/timeline.js';
import { Todos } from '../components/lead-todos.js';
import { Notes } from '../components/lead-notes.js';
import { Attachments } from '../components/lead-attachments.js';
import { CustomFields } from '../components/lead-fields.js';
import { Emails } from '../components/lead-emails.js';
import { CatalogueLinks } from '../components/lead-links.js';
import { LeadClose } from '../components/lead-close.js';
import { NextStepBadge } from '../components/lead-card.js';
import { OwnNotice } from '../components/lead-section.js';

export function LeadPage({ id }) {
  const [notice, setNotice] = useState(null);
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const lead = useLoad(() => api.get(`/leads/${id}`), [id, version]);
  const crumbs = html`<a href="#/leads">Leads</a> <span aria-hidden="true">›</span> ${lead.data?.pipeline.name ?? ''}`;

  if (lead.error) return html`<${Page} title="Lead" crumbs=${crumbs}><${LoadError} error=${lead.error} retry=${lead.reload} /><//>`;
  if (!lead.data) return html`<${Page} title="Lead" crumbs=${crumbs}><${Loading} /><//>`;
  const l = lead.data;
  const section = { leadId: id, onChange: changed, version };
  // Each section shows the outcome of its own actions inside its card.
  const own = (Component, props = {}) => html`<${OwnNotice} render=${(set) => html`<${Component} ...${section} ...${props} setNotice=${set} />`} />`;
  return html`<${Page} title=${l.name} notice=${notice} crumbs=${crumbs}>
    <dl class="facts">
      <dt>Stage</dt><dd>${l.stage.name}</dd>
      <dt>Value</dt><dd>${formatAmount(l.size)}</dd>
      <dt>Assigned to</dt><dd>${l.user?.name ?? 'Nobody'}</dd>
      <dt>Status</dt><dd><span class=${`badge badge-${l.status}`}>${l.status}</span>${l.close_reason ? html` <span class="muted">${l.close_reason}</span>` : null}${l.archived ? html` <span class="badge">archived</span>` : null}</dd>
      <dt>Next step</dt><dd><${NextStepBadge} day=${l.next_todo_date} /></dd>
      <dt>Created</dt><dd>${formatTime(l.created_at)}</dd>
    </dl>
    <div class="lead-layout">
      <div class="lead-main">
        <${LeadEditor} key=${l.updated_at + version} lead=${l} setNotice=${setNotice} onChange=${changed} />
        <${LeadClose} key=${`${l.status}${version}`} lead=${l} onChange=${changed} />
        ${own(Todos)}
        ${own(Notes)}
        ${own(CatalogueLinks, { kind: 'contacts', label: 'Contacts' })}
        ${own(CustomFields)}
        ${own(Attachments)}
        ${own(Emails)}
        ${own(CatalogueLinks, { kind: 'products', label: 'Products' })}
        ${own(CatalogueLinks, { kind: 'zones', label: 'Zones' })}
        ${own(CatalogueLinks, { kind: 'sources', label: 'Sources' })}
      </div>
      <aside class="lead-side">
        <${Timeline} leadId=${id} version=${version} />
      </aside>
    </div>
  <//>`;
}
