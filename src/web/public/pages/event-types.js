// Settings → Event types: the catalogue of every activity type a webhook can receive, its fields
// and an example body (GET /event-types, generated from the one typed catalogue in code).
import { api } from '../api.js';
import { html } from '../html.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';
import { useLoad } from '../components/use-load.js';

export function EventTypesPage({ user }) {
  const types = useLoad(() => api.get('/event-types'), []);
  return html`<${Page} title="Event types" crumbs=${settingsCrumbs(['Integrations', '#/settings/webhooks'], ['Event types'])}>
    <${SettingsNav} user=${user} current="event-types" />
    <p class="muted">Every webhook request carries one activity of these types, with the lead it happened to.</p>
    ${types.error ? html`<${LoadError} error=${types.error} retry=${types.reload} />` : null}
    ${types.loading && !types.data ? html`<${Loading} what="Loading event types" />` : null}
    ${types.data ? html`<p class="small">${types.data.length} types: ${types.data.map((t, i) => html`${i ? ', ' : ''}<a href=${`#/settings/event-types#${t.type}`} onClick=${(e) => {
      e.preventDefault();
      document.getElementById(`type-${t.type}`)?.scrollIntoView();
    }}>${t.type}</a>`)}</p>` : null}
    ${(types.data ?? []).map((t) => html`<section class="card event-type" id=${`type-${t.type}`} aria-labelledby=${`h-${t.type}`}>
      <h2 id=${`h-${t.type}`}><code>${t.type}</code></h2>
      <p>${t.description}</p>
      ${t.fields.length
        ? html`<table aria-label=${`Fields of ${t.type}`}><thead><tr><th scope="col">Field</th><th scope="col">Type</th></tr></thead>
            <tbody>${t.fields.map((f) => html`<tr><td data-label="Field"><code>${f.name}</code></td><td data-label="Type">${f.kind}${f.optional ? ' (optional)' : ''}</td></tr>`)}</tbody></table>`
        : html`<p class="muted small">No fields of its own beyond the common ones.</p>`}
      <details><summary>Example body</summary><pre class="body">${JSON.stringify(t.example, null, 2)}</pre></details>
    </section>`)}
  <//>`;
}
