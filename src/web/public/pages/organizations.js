// Organizations: the list (with "Load more") and a form to add one; an organization's page with
// its details (editable) and its contacts.
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { navigate } from '../router.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { RecordForm } from '../components/record-form.js';
import { useAction, useLoad } from '../components/use-load.js';
import { usePagedList } from '../components/use-paged.js';

const FIELDS = [
  ['name', 'Name'],
  ['email', 'Email', 'email'],
  ['phone', 'Phone', 'tel'],
  ['website', 'Website', 'url'],
  ['address', 'Address'],
];
const PAGE = 50;

export function OrganizationsPage() {
  const [notice, setNotice] = useState(null);
  const [version, setVersion] = useState(0);
  const list = usePagedList((page) => `/organizations${query({ page, size: PAGE })}`, PAGE, [version]);
  const [run, busy] = useAction(setNotice);
  const create = async (body) => {
    const ok = await run(() => api.post('/organizations', body), `Added ${body.name}`);
    if (ok) setVersion((v) => v + 1);
    return ok;
  };
  return html`<${Page} title="Organizations" notice=${notice}>
    <details class="card"><summary>New organization</summary>
      <${RecordForm} fields=${FIELDS} busy=${busy} submitLabel="Add organization" onSubmit=${create} />
    </details>
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    <div class="table-wrap"><table aria-label="Organizations">
      <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Website</th></tr></thead>
      <tbody>${list.items.map((o) => html`<tr key=${o._id}>
        <td data-label="Name"><a href=${`#/organizations/${o._id}`}>${o.name}</a></td>
        <td data-label="Email">${o.email ?? '—'}</td><td data-label="Phone">${o.phone ?? '—'}</td><td data-label="Website">${o.website ?? '—'}</td>
      </tr>`)}</tbody>
    </table></div>
    ${list.loading ? html`<${Loading} what="Loading organizations" />` : null}
    ${!list.loading && list.items.length === 0 && !list.error ? html`<p class="empty">No organizations yet.</p>` : null}
    ${!list.loading && !list.done ? html`<p class="pager"><button type="button" onClick=${list.more}>Load more organizations</button></p>` : null}
  <//>`;
}

export function OrganizationPage({ id }) {
  const [notice, setNotice] = useState(null);
  const org = useLoad(() => api.get(`/organizations/${id}`), [id]);
  const [run, busy] = useAction(setNotice);
  const crumbs = html`<a href="#/organizations">Organizations</a>`;
  if (org.error) return html`<${Page} title="Organization" crumbs=${crumbs}><${LoadError} error=${org.error} retry=${org.reload} /><//>`;
  if (!org.data) return html`<${Page} title="Organization" crumbs=${crumbs}><${Loading} /><//>`;
  const o = org.data;
  const save = async (body) => {
    if (Object.keys(body).length === 0) return true;
    const ok = await run(() => api.put(`/organizations/${id}`, body), 'Organization saved');
    if (ok) org.reload();
    return ok;
  };
  const remove = async () => {
    if (confirm(`Delete ${o.name}? Its contacts stay, without an organization.`) && (await run(() => api.del(`/organizations/${id}`), 'Deleted'))) navigate('#/organizations');
  };
  return html`<${Page} title=${o.name} crumbs=${crumbs} notice=${notice}
    actions=${html`<button type="button" class="danger" onClick=${remove} disabled=${busy}>Delete organization</button>`}>
    <section class="card" aria-labelledby="org-details"><h2 id="org-details">Details</h2>
      <${RecordForm} key=${JSON.stringify(o)} fields=${FIELDS} record=${o} busy=${busy} submitLabel="Save" onSubmit=${save} />
    </section>
    <section class="card" aria-labelledby="org-contacts"><h2 id="org-contacts">Contacts</h2>
      ${(o.contacts ?? []).length === 0 ? html`<p class="muted">No contacts yet.</p>` : null}
      <ul class="items">${(o.contacts ?? []).map((c) => html`<li key=${c._id}><a href=${`#/contacts/${c._id}`}>${c.name}</a>${c.email ? html` <span class="muted small">${c.email}</span>` : null}</li>`)}</ul>
    </section>
  <//>`;
}
