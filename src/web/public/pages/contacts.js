// Contacts: search by name, email or phone (the API's own filters, kept in the hash), a form to
// add one; a contact's page with its details, organization and edit form.
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { Select, TextInput } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { RecordForm } from '../components/record-form.js';
import { useAction, useLoad } from '../components/use-load.js';
import { usePagedList } from '../components/use-paged.js';

const FIELDS = [
  ['name', 'Name'],
  ['designation', 'Title'],
  ['email', 'Email', 'email'],
  ['phone', 'Phone', 'tel'],
  ['address', 'Address'],
];
const PAGE = 50;

/** The contact's organization `{_id, name}` (the API answers `organization: {…} | null`). */
const orgOf = (c) => (c.organization && typeof c.organization === 'object' ? c.organization : null);

export function ContactsPage({ params }) {
  const [notice, setNotice] = useState(null);
  const [version, setVersion] = useState(0);
  const [field, setField] = useState(params.email ? 'email' : params.phone ? 'phone' : 'name');
  const [text, setText] = useState(params.email ?? params.phone ?? params.name ?? '');
  const filter = { name: params.name, email: params.email, phone: params.phone };
  const list = usePagedList((page) => `/contacts${query({ ...filter, page, size: PAGE })}`, PAGE, [JSON.stringify(filter), version]);
  const [run, busy] = useAction(setNotice);
  const create = async (body) => {
    const ok = await run(() => api.post('/contacts', body), `Added ${body.name}`);
    if (ok) setVersion((v) => v + 1);
    return ok;
  };
  return html`<${Page} title="Contacts" notice=${notice}>
    <form class="card inline-form" role="search" aria-label="Search contacts" onSubmit=${(e) => {
      e.preventDefault();
      navigate(href('contacts', { [field]: text }));
    }}>
      <${Select} label="Search in" name="contact_field" value=${field} onValue=${setField}
        options=${[{ value: 'name', label: 'Name' }, { value: 'email', label: 'Email' }, { value: 'phone', label: 'Phone' }]} />
      <${TextInput} label="Search contacts" name="contact_search" type="search" value=${text} onValue=${setText} />
      <button type="submit" class="primary">Search</button>
      <a href="#/contacts">Clear</a>
    </form>
    <details class="card"><summary>New contact</summary>
      <${RecordForm} fields=${FIELDS} busy=${busy} submitLabel="Add contact" onSubmit=${create} />
    </details>
    ${list.error ? html`<${LoadError} error=${list.error} retry=${list.reload} />` : null}
    <div class="table-wrap"><table aria-label="Contacts">
      <thead><tr><th scope="col">Name</th><th scope="col">Organization</th><th scope="col">Email</th><th scope="col">Phone</th></tr></thead>
      <tbody>${list.items.map((c) => html`<tr key=${c._id}>
        <td data-label="Name"><a href=${`#/contacts/${c._id}`}>${c.name}</a></td>
        <td data-label="Organization">${orgOf(c) ? html`<a href=${`#/organizations/${orgOf(c)._id}`}>${orgOf(c).name}</a>` : '—'}</td>
        <td data-label="Email">${c.email ?? '—'}</td><td data-label="Phone">${c.phone ?? '—'}</td>
      </tr>`)}</tbody>
    </table></div>
    ${list.loading ? html`<${Loading} what="Loading contacts" />` : null}
    ${!list.loading && list.items.length === 0 && !list.error ? html`<p class="empty">No contacts found.</p>` : null}
    ${!list.loading && !list.done ? html`<p class="pager"><button type="button" onClick=${list.more}>Load more contacts</button></p>` : null}
  <//>`;
}

export function ContactPage({ id }) {
  const [notice, setNotice] = useState(null);
  const contact = useLoad(() => api.get(`/contacts/${id}`), [id]);
  const orgs = useLoad(() => api.get('/organizations?size=500').catch(() => []), []);
  const [run, busy] = useAction(setNotice);
  const crumbs = html`<a href="#/contacts">Contacts</a>`;
  if (contact.error) return html`<${Page} title="Contact" crumbs=${crumbs}><${LoadError} error=${contact.error} retry=${contact.reload} /><//>`;
  if (!contact.data) return html`<${Page} title="Contact" crumbs=${crumbs}><${Loading} /><//>`;
  const c = contact.data;
  const save = async (body) => {
    if (Object.keys(body).length === 0) return true;
    const ok = await run(() => api.put(`/contacts/${id}`, body), 'Contact saved');
    if (ok) contact.reload();
    return ok;
  };
  return html`<${Page} title=${c.name} crumbs=${crumbs} notice=${notice}>
    <section class="card" aria-labelledby="contact-details"><h2 id="contact-details">Details</h2>
      <${RecordForm} key=${JSON.stringify(c)} fields=${FIELDS} record=${c} busy=${busy} submitLabel="Save" onSubmit=${save} />
    </section>
    ${orgs.data && orgs.data.length > 0
      ? html`<section class="card" aria-labelledby="contact-org"><h2 id="contact-org">Organization</h2>
          <${Select} label="Organization" name="organization" value=${orgOf(c)?._id ?? ''}
            options=${[{ value: '', label: 'None' }, ...orgs.data.map((o) => ({ value: o._id, label: o.name }))]}
            onValue=${(v) => save({ organization_id: v || null })} />
        </section>`
      : null}
  <//>`;
}
