// A signing secret shown after creation or rotation (hidden until revealed), or revealed again on
// request after the password (`once` false, shown at once); copyable.
import { useState } from 'preact/hooks';
import { html } from '../html.js';

export function SecretBox({ secret, onDismiss, title = 'Signing secret', once = true }) {
  const [shown, setShown] = useState(!once);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setShown(true);
    }
  };
  const signing = /signing secret/i.test(title);
  return html`<div class="card secret-box" role="region" aria-label=${title}>
    <p><strong>${title}.</strong>${once ? ' Copy it now: it is shown only this once.' : ''}${signing
      ? html` Verify each request's <code>webhook-signature</code> with it (Standard Webhooks).`
      : ' Send it as `Authorization: Bearer <key>`, or as the Basic-auth password with the user name api-key.'}</p>
    <p><code class="secret" data-testid="secret">${shown ? secret : '•'.repeat(24)}</code></p>
    <div class="form-actions">
      <button type="button" onClick=${() => setShown(!shown)} aria-pressed=${shown}>${shown ? `Hide ${signing ? 'secret' : 'key'}` : `Reveal ${signing ? 'secret' : 'key'}`}</button>
      <button type="button" onClick=${copy}>Copy ${signing ? 'secret' : 'key'}</button>
      ${onDismiss ? html`<button type="button" onClick=${onDismiss}>Done</button>` : null}
      <span role="status" class="muted">${copied ? 'Copied to the clipboard' : ''}</span>
    </div>
  </div>`;
}
