// The top navigation. On phones it collapses behind a menu button (aria-expanded).
import { useState } from 'preact/hooks';
import { html } from '../html.js';

import { isAdmin, settingsHome } from './settings-nav.js';

// Members do not see the admin-only pages (the API would refuse them anyway).
const linksFor = (user) => [
  { href: '#/leads', label: 'Leads', match: ['leads', undefined] },
  { href: '#/contacts', label: 'Contacts', match: ['contacts'] },
  { href: '#/organizations', label: 'Organizations', match: ['organizations'] },
  { href: settingsHome(user), label: 'Settings', match: ['settings', 'webhooks', 'deliveries', 'account'] },
  ...(isAdmin(user)
    ? [
        { href: '#/error-log', label: 'Error Log', match: ['error-log'] },
        { href: '#/inspector', label: 'Inspector', match: ['inspector'] },
        { href: '#/email-outbox', label: 'Email outbox', match: ['email-outbox'] },
      ]
    : []),
];

export function Nav({ route, user, onLogout }) {
  const [open, setOpen] = useState(false);
  const current = route.path[0];
  return html`<header class="topbar">
    <a class="brand" href="#/leads">leadhook</a>
    <button type="button" class="menu-button" aria-expanded=${open} aria-controls="main-nav" onClick=${() => setOpen(!open)}>
      Menu
    </button>
    <nav id="main-nav" class=${open ? 'open' : ''} aria-label="Main">
      <ul>
        ${linksFor(user).map(
          (link) => html`<li><a href=${link.href} aria-current=${link.match.includes(current) ? 'page' : undefined}
            onClick=${() => setOpen(false)}>${link.label}</a></li>`,
        )}
      </ul>
      <div class="who">
        <span class="muted" title=${user.email}>${user.name}</span>
        <button type="button" class="link-button" onClick=${onLogout}>Log out</button>
      </div>
    </nav>
  </header>`;
}
