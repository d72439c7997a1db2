// The activity timeline of a lead (GET /leads/:id/activities), newest first, one sentence each.
import { api } from '../api.js';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { activitySentence } from './activity-text.js';
import { LoadError, Loading } from './page.js';
import { useLoad } from './use-load.js';

export function Timeline({ leadId, version }) {
  const activities = useLoad(() => api.get(`/leads/${leadId}/activities?size=500&order=asc`), [leadId, version]);
  return html`<section class="card" aria-labelledby="timeline-title">
    <h2 id="timeline-title">Activity</h2>
    ${activities.error ? html`<${LoadError} error=${activities.error} retry=${activities.reload} />` : null}
    ${!activities.data && !activities.error ? html`<${Loading} />` : null}
    ${activities.data
      ? html`<ol class="timeline" aria-label="Activity timeline">
          ${[...activities.data].reverse().map(
            (a) => html`<li key=${a._id} data-type=${a.type}>
              <span class="timeline-text">${activitySentence(a)}</span>
              <time class="muted small" datetime=${a.created_at}>${formatTime(a.created_at)}</time>
              <code class="type-tag">${a.type}</code>
            </li>`,
          )}
        </ol>`
      : null}
  </section>`;
}
