// Settings as a section: its sub-navigation and linked breadcrumbs (Settings › Integrations › …).
// Members see only what they may use; the admin pages stay behind the API's own role check.
import { html } from '../html.js';

export const SETTINGS = [
  { key: 'webhooks', label: 'Integrations → Webhooks', admin: true },
  { key: 'event-types', label: 'Event types', admin: true },
  { key: 'users', label: 'Users', admin: true },
  { key: 'api-keys', label: 'API keys', admin: true },
  { key: 'pipelines', label: 'Pipelines & stages', admin: true },
  { key: 'account', label: 'Account', admin: false },
];

export const isAdmin = (user) => user?.role === 'admin';

/** The first settings page this user may open. */
export function settingsHome(user) {
  return isAdmin(user) ? '#/settings/webhooks' : '#/settings/account';
}

export function SettingsNav({ user, current }) {
  const items = SETTINGS.filter((s) => !s.admin || isAdmin(user));
  return html`<nav aria-label="Settings"><ul class="subnav">
    ${items.map((s) => html`<li><a href=${`#/settings/${s.key}`} aria-current=${s.key === current ? 'page' : undefined}>${s.label}</a></li>`)}
  </ul></nav>`;
}

/** Breadcrumb links: Settings › [Integrations ›] … */
export function settingsCrumbs(...parts) {
  const links = [['Settings', '#/settings'], ...parts];
  return links.map(([label, target], i) =>
    html`${i > 0 ? html` <span aria-hidden="true">›</span> ` : null}${target ? html`<a href=${target}>${label}</a>` : html`<span>${label}</span>`}`,
  );
}
