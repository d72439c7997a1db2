// Settings → Users: everyone in the account, invitations by email (the user sets their own
// password from the link), roles, disabling and removing.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { Select, TextInput } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';
import { useAction, useLoad } from '../components/use-load.js';

const ROLES = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
];

export function UsersPage({ user }) {
  const [notice, setNotice] = useState(null);
  const users = useLoad(() => api.get('/users?size=500'), []);
  const [run, busy] = useAction(setNotice);
  const act = async (action, text) => {
    if (await run(action, text)) users.reload();
  };
  return html`<${Page} title="Users" crumbs=${settingsCrumbs(['Users'])} notice=${notice}>
    <${SettingsNav} user=${user} current="users" />
    <${InviteForm} run=${run} busy=${busy} />
    ${users.error ? html`<${LoadError} error=${users.error} retry=${users.reload} />` : null}
    ${users.loading && !users.data ? html`<${Loading} what="Loading users" />` : null}
    ${users.data
      ? html`<div class="table-wrap"><table aria-label="Users">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${users.data.map((u) => html`<tr key=${u._id}>
            <td data-label="Name">${u.name}${u._id === user._id ? html` <span class="muted small">(you)</span>` : null}</td>
            <td data-label="Email">${u.email}</td>
            <td data-label="Role">
              <label class="visually-hidden" for=${`role-${u._id}`}>Role of ${u.name}</label>
              <select id=${`role-${u._id}`} class="compact" disabled=${busy || u._id === user._id}
                onChange=${(e) => act(() => api.put(`/users/${u._id}`, { role: e.currentTarget.value }), `${u.name} is now ${e.currentTarget.value}`)}>
                ${ROLES.map((r) => html`<option value=${r.value} selected=${r.value === u.role}>${r.label}</option>`)}
              </select>
            </td>
            <td data-label="State">${u.disabled ? html`<span class="badge badge-off">Disabled</span>` : html`<span class="badge badge-ok">Active</span>`}
              ${u.created_at ? html`<div class="small muted">since ${formatTime(u.created_at)}</div>` : null}</td>
            <td>${u._id === user._id
              ? null
              : html`<span class="row-actions">
                  <button type="button" class="small-button" disabled=${busy}
                    onClick=${() => act(() => api.put(`/users/${u._id}`, { disabled: !u.disabled }), u.disabled ? `${u.name} enabled` : `${u.name} disabled`)}>
                    ${u.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${u.name}</span></button>
                  <button type="button" class="small-button danger" disabled=${busy}
                    onClick=${() => confirm(`Remove ${u.name}? Their leads stay, unassigned.`) && act(() => api.del(`/users/${u._id}`), `${u.name} removed`)}>
                    Remove<span class="visually-hidden"> ${u.name}</span></button>
                </span>`}</td>
          </tr>`)}</tbody>
        </table></div>`
      : null}
  <//>`;
}

function InviteForm({ run, busy }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('member');
  const submit = async (event) => {
    event.preventDefault();
    const sent = await run(() => api.post('/users/invite', { email, name: name || undefined, role }), `Invitation sent to ${email}`);
    if (sent) {
      setEmail('');
      setName('');
    }
  };
  return html`<section class="card" aria-labelledby="invite-title">
    <h2 id="invite-title">Invite a user</h2>
    <p class="muted small">They get an email with a link (valid once, for a limited time) to choose their own password.</p>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Email" name="invite_email" type="email" required value=${email} onValue=${setEmail} />
      <${TextInput} label="Name (optional)" name="invite_name" value=${name} onValue=${setName} />
      <${Select} label="Role" name="invite_role" value=${role} onValue=${setRole} options=${ROLES} />
      <button type="submit" class="primary" disabled=${busy}>Send invitation</button>
    </form>
  </section>`;
}
