// Settings → Integrations → Webhooks: every webhook of the account with its health at a glance,
// and the form to add one (the signing secret is shown once, right after).
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';
import { WebhookForm } from '../components/webhook-form.js';
import { SecretBox } from '../components/secret-box.js';
import { describeEvents } from '../components/events-picker.js';
import { DeliveryStatus } from '../components/status-badge.js';
import { WebhookHealth } from '../components/webhook-health.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';

export function WebhooksPage({ user }) {
  const [notice, setNotice] = useState(null);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState(null);
  const list = useLoad(() => api.get('/webhooks?size=500'), []);
  const [run, busy] = useAction(setNotice);
  const isAdmin = user.role === 'admin';

  const create = async (body) => {
    const webhook = await run(() => api.post('/webhooks', body), 'Webhook created');
    if (webhook) {
      setAdding(false);
      setCreated(webhook);
      list.reload();
    }
  };

  const crumbs = settingsCrumbs(['Integrations', '#/settings/webhooks']);
  return html`<${Page} title="Webhooks" crumbs=${crumbs} notice=${notice}
    actions=${isAdmin && !adding ? html`<button type="button" class="primary" onClick=${() => setAdding(true)}>Add webhook</button>` : null}>
    <${SettingsNav} user=${user} current="webhooks" />
    <p class="muted">Every activity on a lead is sent as a POST to each enabled webhook whose events match, signed with its secret and retried for about 3 days.</p>
    ${!isAdmin ? html`<p class="notice notice-info">Only admins can add or change webhooks.</p>` : null}
    ${created?.secret
      ? html`<div><p class="small">Created <a href=${`#/webhooks/${created._id}`}>${created.url}</a>.</p>
          <${SecretBox} secret=${created.secret} onDismiss=${() => setCreated(null)} /></div>`
      : null}
    ${adding
      ? html`<section class="card" aria-labelledby="new-webhook-title">
          <h2 id="new-webhook-title">New webhook</h2>
          <${WebhookForm} busy=${busy} submitLabel="Create webhook" onSubmit=${create} onCancel=${() => setAdding(false)} />
        </section>`
      : null}
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    ${list.loading && !list.data ? html`<${Loading} what="Loading webhooks" />` : null}
    ${list.data && list.data.length === 0 ? html`<p class="empty">No webhooks yet. Add one to receive every lead activity as it happens.</p>` : null}
    ${list.data && list.data.length > 0 ? html`<${WebhookTable} webhooks=${list.data} />` : null}
  <//>`;
}

function WebhookTable({ webhooks }) {
  return html`<div class="table-wrap"><table class="webhooks-table">
    <caption class="visually-hidden">Webhooks</caption>
    <thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">Health</th><th scope="col">Last delivery</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
      ${webhooks.map((w) => html`<tr key=${w._id}>
        <td data-label="Endpoint"><div><a href=${`#/webhooks/${w._id}`} class="url">${w.url}</a>${w.description ? html`<div class="small muted">${w.description}</div>` : null}</div></td>
        <td data-label="Events">${describeEvents(w.events)}</td>
        <td data-label="Health"><${WebhookHealth} webhook=${w} /></td>
        <td data-label="Last delivery">${w.last_delivery ? html`<${DeliveryStatus} status=${w.last_delivery.status} /> <span class="small muted">${formatTime(w.last_delivery.at)}</span>` : html`<span class="muted">None yet</span>`}</td>
        <td><a class="button-link" href=${`#/webhooks/${w._id}`}>Manage<span class="visually-hidden"> ${w.url}</span></a></td>
      </tr>`)}
    </tbody>
  </table></div>`;
}
