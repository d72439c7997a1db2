// A page frame: its heading (focused on arrival, so screen readers announce the new page and
// keyboard users start at the top), an optional toolbar, and the page's message slot.
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { Notice } from './notice.js';

export function Page({ title, actions, notice, children, crumbs }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${title} · leadhook`;
    heading.current?.focus();
  }, [title]);
  return html`<section class="page" aria-labelledby="page-title">
    ${crumbs ? html`<nav class="crumbs" aria-label="Breadcrumb">${crumbs}</nav>` : null}
    <header class="page-header">
      <h1 id="page-title" tabindex="-1" ref=${heading}>${title}</h1>
      ${actions ? html`<div class="page-actions">${actions}</div>` : null}
    </header>
    <${Notice} notice=${notice} />
    ${children}
  </section>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="muted" role="status">${what}…</p>`;
}

export function LoadError({ error, retry }) {
  return html`<div role="alert" class="notice notice-error">
    <p>${error.message}</p>
    ${retry ? html`<button type="button" onClick=${retry}>Try again</button>` : null}
  </div>`;
}
