// Messages announced to screen readers: `role=alert` for errors, `role=status` for the rest.
import { html } from '../html.js';

export function Notice({ notice }) {
  if (!notice) return html`<div class="notice-slot" role="status" aria-live="polite"></div>`;
  const isError = notice.kind === 'error';
  return html`<div class="notice-slot" role=${isError ? 'alert' : 'status'} aria-live=${isError ? 'assertive' : 'polite'}>
    <p class=${`notice notice-${notice.kind ?? 'info'}`}>${notice.text}</p>
    ${notice.details?.length ? html`<ul class="notice-details">${notice.details.map((d) => html`<li>${d.field ? `${d.field}: ` : ''}${d.message}</li>`)}</ul>` : null}
  </div>`;
}

/** A notice from a thrown ApiError (or any error). */
export function errorNotice(error) {
  return { kind: 'error', text: error.message, details: Array.isArray(error.details) ? error.details : [] };
}
