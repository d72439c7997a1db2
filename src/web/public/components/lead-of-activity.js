// A link to the lead an activity (and so a delivery) is about, found through GET /activities/:id.
// Test deliveries carry a sample activity that is not stored: they show no link.
import { api } from '../api.js';
import { html } from '../html.js';
import { useLoad } from './use-load.js';

export function LeadOfActivity({ activityId, label = 'Lead' }) {
  const activity = useLoad(() => api.get(`/activities/${activityId}`), [activityId]);
  const leadId = activity.data?.lead_id;
  return leadId ? html`<a class="small lead-link" href=${`#/leads/${leadId}`}>${label}</a>` : null;
}
