// Account: who you are, and the change-password form (other sessions are logged out).
import { useState } from 'preact/hooks';
import { auth } from '../api.js';
import { html } from '../html.js';
import { TextInput } from '../components/field.js';
import { Page } from '../components/page.js';
import { SettingsNav, settingsCrumbs } from '../components/settings-nav.js';
import { useAction } from '../components/use-load.js';

export function AccountPage({ user }) {
  const [notice, setNotice] = useState(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [run, busy] = useAction(setNotice);
  const mismatch = confirm !== '' && confirm !== next ? 'The two new passwords differ' : undefined;

  const submit = async (event) => {
    event.preventDefault();
    if (next !== confirm) return setNotice({ kind: 'error', text: 'The two new passwords differ' });
    const done = await run(() => auth.changePassword(current, next), 'Password changed. Your other sessions were logged out.');
    if (done) {
      setCurrent('');
      setNext('');
      setConfirm('');
    }
  };

  return html`<${Page} title="Account" crumbs=${settingsCrumbs(['Account'])} notice=${notice}>
    <${SettingsNav} user=${user} current="account" />
    <dl class="facts">
      <dt>Name</dt><dd>${user.name}</dd>
      <dt>Email</dt><dd>${user.email}</dd>
      <dt>Role</dt><dd>${user.role}</dd>
    </dl>
    <form class="card narrow" onSubmit=${submit}>
      <h2>Change password</h2>
      <${TextInput} label="Current password" name="current_password" type="password" autocomplete="current-password" required value=${current} onValue=${setCurrent} />
      <${TextInput} label="New password" name="new_password" type="password" autocomplete="new-password" required hint="At least 8 characters" value=${next} onValue=${setNext} />
      <${TextInput} label="Repeat the new password" name="confirm_password" type="password" autocomplete="new-password" required error=${mismatch} value=${confirm} onValue=${setConfirm} />
      <button type="submit" class="primary" disabled=${busy}>Change password</button>
    </form>
  <//>`;
}
