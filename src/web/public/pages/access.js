// Getting in without the CLI: first-run setup, accepting an invitation, and "forgot password" →
// reset. Each successful form logs the user in (the server answers like POST /auth/login).
import { useState } from 'preact/hooks';
import { auth } from '../api.js';
import { html } from '../html.js';
import { TextInput } from '../components/field.js';
import { Notice, errorNotice } from '../components/notice.js';
import { useLoad } from '../components/use-load.js';

const MIN_PASSWORD = 8;

function AccessCard({ title, notice, onSubmit, busy, submitLabel, children, footer }) {
  return html`<main class="login" id="main">
    <form class="card login-card" onSubmit=${onSubmit} aria-labelledby="access-title">
      <h1 id="access-title">${title}</h1>
      <${Notice} notice=${notice} />
      ${children}
      ${submitLabel ? html`<button type="submit" class="primary" disabled=${busy}>${submitLabel}</button>` : null}
      ${footer ?? html`<p class="small"><a href="#/">Back to log in</a></p>`}
    </form>
  </main>`;
}

/** Runs a submit: errors become a notice, success calls `done` with the answer. */
function useSubmit(action, done) {
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    try {
      done(await action(), setNotice);
    } catch (error) {
      setNotice(errorNotice(error));
    } finally {
      setBusy(false);
    }
  };
  return { notice, busy, submit, setNotice };
}

function PasswordInput({ value, onValue, label = 'Password' }) {
  const short = value !== '' && value.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters` : null;
  return html`<${TextInput} label=${label} name="new_password" type="password" autocomplete="new-password" required
    hint=${`At least ${MIN_PASSWORD} characters`} error=${short} value=${value} onValue=${onValue} />`;
}

export function SetupPage({ onLoggedIn }) {
  const [form, setForm] = useState({ workspace: '', name: '', email: '', password: '' });
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const { notice, busy, submit } = useSubmit(() => auth.setup(form), onLoggedIn);
  return html`<${AccessCard} title="Set up leadhook" notice=${notice} onSubmit=${submit} busy=${busy} submitLabel="Create workspace" footer=${null}>
    <p class="muted small">No account exists yet. Create the workspace and its first admin (you).</p>
    <${TextInput} label="Workspace name" name="workspace" required value=${form.workspace} onValue=${set('workspace')} />
    <${TextInput} label="Your name" name="name" autocomplete="name" required value=${form.name} onValue=${set('name')} />
    <${TextInput} label="Email" name="email" type="email" autocomplete="username" required value=${form.email} onValue=${set('email')} />
    <${PasswordInput} value=${form.password} onValue=${set('password')} />
  <//>`;
}

export function AcceptInvitePage({ token, onLoggedIn }) {
  const invitation = useLoad(() => auth.invitation(token ?? ''), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { notice, busy, submit } = useSubmit(() => auth.acceptInvitation(token, { name, password }), onLoggedIn);
  if (invitation.error) {
    return html`<${AccessCard} title="Invitation" notice=${{ kind: 'error', text: `This invitation cannot be used: ${invitation.error.message}` }} />`;
  }
  const inv = invitation.data;
  return html`<${AccessCard} title=${inv ? `Join ${inv.account_name}` : 'Invitation'} notice=${notice} onSubmit=${submit} busy=${busy} submitLabel="Join">
    ${inv ? html`<p class="muted small">You were invited as <strong>${inv.email}</strong>. Choose your name and password.</p>` : html`<p role="status" class="muted">Checking the invitation…</p>`}
    <${TextInput} label="Your name" name="name" autocomplete="name" required value=${name} onValue=${setName} />
    <${PasswordInput} value=${password} onValue=${setPassword} />
  <//>`;
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const { notice, busy, submit } = useSubmit(
    () => auth.forgot(email),
    (_, setNotice) => setNotice({ kind: 'success', text: `If ${email} has an account, a reset link is on its way.` }),
  );
  return html`<${AccessCard} title="Forgot your password?" notice=${notice} onSubmit=${submit} busy=${busy} submitLabel="Send reset link">
    <p class="muted small">Enter your email; we send a link to choose a new password.</p>
    <${TextInput} label="Email" name="email" type="email" autocomplete="username" required value=${email} onValue=${setEmail} />
  <//>`;
}

export function ResetPasswordPage({ token, onLoggedIn }) {
  const [password, setPassword] = useState('');
  const { notice, busy, submit } = useSubmit(() => auth.reset(token ?? '', password), onLoggedIn);
  return html`<${AccessCard} title="Choose a new password" notice=${notice} onSubmit=${submit} busy=${busy} submitLabel="Save password and log in">
    <${PasswordInput} label="New password" value=${password} onValue=${setPassword} />
  <//>`;
}
