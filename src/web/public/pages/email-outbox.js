// The email outbox: error emails to webhook creators. With SMTP configured they are sent; without,
// they are kept here (docs/SPEC.md §4) so nothing is silently dropped.
import { api } from '../api.js';
import { html } from '../html.js';
import { formatTime } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useLoad } from '../components/use-load.js';

export function EmailOutboxPage() {
  const emails = useLoad(() => api.get('/email-outbox?size=100'), []);
  return html`<${Page} title="Email outbox">
    <p class="muted">Emails about webhook errors. When no SMTP server is configured (SMTP_URL), they are stored here instead of being sent.</p>
    ${emails.error ? html`<${LoadError} error=${emails.error} retry=${emails.reload} />` : null}
    ${emails.loading && !emails.data ? html`<${Loading} />` : null}
    ${emails.data && emails.data.length === 0 ? html`<p class="empty">No emails yet.</p>` : null}
    <ul class="outbox">
      ${(emails.data ?? []).map((m) => html`<li key=${m._id} class="card">
        <details>
          <summary><strong>${m.subject}</strong> <span class="muted small">to ${m.to} · ${formatTime(m.created_at)} · ${m.status}</span></summary>
          <pre class="body">${m.text}</pre>
          ${m.error ? html`<p class="field-error">SMTP error: ${m.error}</p>` : null}
        </details>
      </li>`)}
    </ul>
  <//>`;
}
