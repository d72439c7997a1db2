// The activity timeline of a lead (GET /leads/:id/activities), newest first, one sentence each,
// 50 at a time with "Load more" down to the very first activity. `order=asc` is asked for
// explicitly: the API may default to newest first.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { activitySentence } from './activity-text.js';
import { LoadError, Loading } from './page.js';
import { useLoad } from './use-load.js';
import { fetchAll } from './use-paged.js';

const STEP = 50;

export function Timeline({ leadId, version }) {
  const activities = useLoad(() => fetchAll(`/leads/${leadId}/activities?order=asc`).then((all) => all.reverse()), [leadId, version]);
  const [shown, setShown] = useState(STEP);
  const items = useMemo(() => activities.data?.slice(0, shown) ?? [], [activities.data, shown]);
  const hidden = (activities.data?.length ?? 0) - items.length;
  return html`<section class="card" aria-labelledby="timeline-title">
    <h2 id="timeline-title">Activity ${activities.data ? html`<span class="count">${activities.data.length}</span>` : null}</h2>
    ${activities.error ? html`<${LoadError} error=${activities.error} retry=${activities.reload} />` : null}
    ${!activities.data && !activities.error ? html`<${Loading} what="Loading activity" />` : null}
    ${activities.data
      ? html`<ol class="timeline" aria-label="Activity timeline">
          ${items.map(
            (a) => html`<li key=${a._id} data-type=${a.type}>
              <span class="timeline-text">${activitySentence(a)}</span>
              <time class="muted small" datetime=${a.created_at}>${formatTime(a.created_at)}</time>
              <code class="type-tag">${a.type}</code>
            </li>`,
          )}
        </ol>`
      : null}
    ${hidden > 0 ? html`<button type="button" class="load-more" onClick=${() => setShown((n) => n + STEP * 10)}>Load more activity (${hidden} older)</button>` : null}
  </section>`;
}
