// A signing secret shown after creation or rotation: hidden until revealed, copyable.
import { useState } from 'preact/hooks';
import { html } from '../html.js';

export function SecretBox({ secret, onDismiss }) {
  const [shown, setShown] = useState(false);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setShown(true);
    }
  };
  return html`<div class="card secret-box" role="region" aria-label="Signing secret">
    <p><strong>Signing secret.</strong> Copy it now: it is shown only this once. Verify each request's
      <code>webhook-signature</code> with it (Standard Webhooks).</p>
    <p><code class="secret" data-testid="secret">${shown ? secret : '•'.repeat(24)}</code></p>
    <div class="form-actions">
      <button type="button" onClick=${() => setShown(!shown)} aria-pressed=${shown}>${shown ? 'Hide secret' : 'Reveal secret'}</button>
      <button type="button" onClick=${copy}>Copy secret</button>
      ${onDismiss ? html`<button type="button" onClick=${onDismiss}>Done</button>` : null}
      <span role="status" class="muted">${copied ? 'Copied to the clipboard' : ''}</span>
    </div>
  </div>`;
}
