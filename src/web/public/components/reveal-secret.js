// "Show current secret": the admin confirms their password, and the webhook's current signing
// secret is shown (POST /webhooks/:id/reveal-secret). The password is sent once and not kept.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextInput } from './field.js';
import { SecretBox } from './secret-box.js';

export function RevealSecret({ webhookId, onClose }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState(null);
  if (secret) return html`<${SecretBox} secret=${secret} title="Current signing secret" once=${false} onDismiss=${onClose} />`;
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const result = await api.post(`/webhooks/${webhookId}/reveal-secret`, { password });
      setSecret(result.secret);
    } catch (e) {
      setError(e.message);
    } finally {
      setPassword('');
      setBusy(false);
    }
  };
  return html`<section class="card" aria-labelledby="reveal-title">
    <h2 id="reveal-title">Show the current signing secret</h2>
    <p class="muted">Confirm it is you: type your password. Anyone with the secret can sign requests as this webhook.</p>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Your password" name="confirm_password" type="password" autocomplete="current-password" required
        error=${error} value=${password} onValue=${(v) => {
          setPassword(v);
          setError(null);
        }} />
      <button type="submit" class="primary" disabled=${busy}>Show secret</button>
      <button type="button" onClick=${onClose}>Cancel</button>
    </form>
  </section>`;
}
