// Login: email and password. The server answers the same for an unknown email and a wrong
// password, and slows down repeated failures.
import { useState } from 'preact/hooks';
import { auth } from '../api.js';
import { html } from '../html.js';
import { TextInput } from '../components/field.js';
import { Notice, errorNotice } from '../components/notice.js';

export function LoginPage({ onLoggedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    try {
      onLoggedIn(await auth.login(email, password));
    } catch (error) {
      setNotice(errorNotice(error));
      setBusy(false);
    }
  };

  return html`<main class="login" id="main">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Log in to leadhook</h1>
      <${Notice} notice=${notice} />
      <${TextInput} label="Email" name="email" type="email" autocomplete="username" required value=${email} onValue=${setEmail} />
      <${TextInput} label="Password" name="password" type="password" autocomplete="current-password" required value=${password} onValue=${setPassword} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Logging in…' : 'Log in'}</button>
      <p class="small"><a href="#/forgot-password">Forgot your password?</a></p>
    </form>
  </main>`;
}
