// Which activity types a webhook receives: "All events" (["*"]) or a chosen list, grouped by
// object (lead, todo, note, …) from GET /event-types.
import { api } from '../api.js';
import { html } from '../html.js';
import { useLoad } from './use-load.js';

export function EventsPicker({ value, onValue }) {
  const types = useLoad(() => api.get('/event-types'), []);
  const all = value.includes('*');
  const groups = new Map();
  for (const t of types.data ?? []) {
    const group = t.type.split(':')[0];
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(t);
  }
  const toggle = (type, on) => onValue(on ? [...value.filter((v) => v !== type), type] : value.filter((v) => v !== type));
  return html`<fieldset class="events-picker">
    <legend>Events</legend>
    <div class="check">
      <input type="checkbox" id="events-all" checked=${all} onChange=${(e) => onValue(e.currentTarget.checked ? ['*'] : [])} />
      <label for="events-all"><strong>All events</strong> (also types added later)</label>
    </div>
    ${types.error ? html`<p role="alert" class="field-error">Could not load the event types: ${types.error.message}</p>` : null}
    ${!all
      ? html`<div class="event-groups">
          ${[...groups].map(
            ([group, list]) => html`<fieldset class="event-group">
              <legend>${group}</legend>
              ${list.map(
                (t) => html`<div class="check" title=${t.description}>
                  <input type="checkbox" id=${`event-${t.type}`} checked=${value.includes(t.type)}
                    onChange=${(e) => toggle(t.type, e.currentTarget.checked)} />
                  <label for=${`event-${t.type}`}>${t.type}</label>
                </div>`,
              )}
            </fieldset>`,
          )}
        </div>`
      : null}
  </fieldset>`;
}

export function describeEvents(events) {
  if (!events || events.includes('*')) return 'All events';
  if (events.length <= 3) return events.join(', ');
  return `${events.length} event types`;
}
