// Settings → API keys: every key with its owner and last use; create one (shown once), revoke.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { Select, TextInput } from '../components/field.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { SecretBox } from '../components/secret-box.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';
import { useAction, useLoad } from '../components/use-load.js';

export function ApiKeysPage({ user }) {
  const [notice, setNotice] = useState(null);
  const [created, setCreated] = useState(null);
  const keys = useLoad(() => api.get('/keys'), []);
  const users = useLoad(() => api.get('/users?size=500'), []);
  const [run, busy] = useAction(setNotice);
  const [name, setName] = useState('');
  const [owner, setOwner] = useState(user._id);
  const create = async (event) => {
    event.preventDefault();
    const key = await run(() => api.post('/keys', { name, user_id: owner }), `Key “${name}” created`);
    if (key) {
      setCreated(key);
      setName('');
      keys.reload();
    }
  };
  const revoke = async (key) => {
    if (!confirm(`Revoke the key “${key.name}”? Programs using it stop working at once.`)) return;
    if (await run(() => api.del(`/keys/${key._id}`), `Key “${key.name}” revoked`)) keys.reload();
  };
  return html`<${Page} title="API keys" crumbs=${settingsCrumbs(['API keys'])} notice=${notice}>
    <${SettingsNav} user=${user} current="api-keys" />
    ${created?.key ? html`<${SecretBox} secret=${created.key} title="API key" onDismiss=${() => setCreated(null)} />` : null}
    <section class="card" aria-labelledby="new-key-title">
      <h2 id="new-key-title">New API key</h2>
      <form class="inline-form" onSubmit=${create}>
        <${TextInput} label="Key name" name="key_name" required value=${name} onValue=${setName} placeholder="e.g. Zapier" />
        <${Select} label="Acts as" name="key_user" value=${owner} onValue=${setOwner}
          options=${(users.data ?? [user]).map((u) => ({ value: u._id, label: u.name }))} />
        <button type="submit" class="primary" disabled=${busy}>Create key</button>
      </form>
    </section>
    ${keys.error ? html`<${LoadError} error=${keys.error} retry=${keys.reload} />` : null}
    ${keys.loading && !keys.data ? html`<${Loading} what="Loading keys" />` : null}
    ${keys.data
      ? html`<div class="table-wrap"><table aria-label="API keys">
          <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">User</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${keys.data.map((k) => html`<tr key=${k._id}>
            <td data-label="Name">${k.name}</td>
            <td data-label="Key"><code>${k.prefix}…</code></td>
            <td data-label="User">${k.user?.name ?? '—'}</td>
            <td data-label="Created">${formatTime(k.created_at)}</td>
            <td data-label="Last used">${k.last_used_at ? formatTime(k.last_used_at) : html`<span class="muted">Never</span>`}</td>
            <td>${k.revoked_at
              ? html`<span class="badge badge-off">Revoked ${formatTime(k.revoked_at)}</span>`
              : html`<button type="button" class="small-button danger" disabled=${busy} onClick=${() => revoke(k)}>Revoke<span class="visually-hidden"> ${k.name}</span></button>`}</td>
          </tr>`)}</tbody>
        </table></div>`
      : null}
  <//>`;
}
