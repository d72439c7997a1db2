// A link to the lead an activity (and so a delivery) is about, found through GET /activities/:id.
// Test deliveries carry a sample activity that is not stored: they show no link. With `filterHref`
// (lead id → URL), a second link narrows the delivery log to that lead.
import { api } from '../api.js';
import { html } from '../html.js';
import { useLoad } from './use-load.js';

export function LeadOfActivity({ activityId, label = 'Lead', filterHref }) {
  const activity = useLoad(() => api.get(`/activities/${activityId}`), [activityId]);
  const leadId = activity.data?.lead_id;
  if (!leadId) return null;
  const link = html`<a class="small lead-link" href=${`#/leads/${leadId}`}>${label}</a>`;
  if (!filterHref) return link;
  return html`${link} <a class="small" href=${filterHref(leadId)} title="Only this lead's deliveries">only this lead</a>`;
}
