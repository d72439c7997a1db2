// The app shell: who is logged in, the navigation, and which page the hash names.
import { useEffect, useState } from 'preact/hooks';
import { auth, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { html } from './html.js';
import { useRoute } from './router.js';
import { Nav } from './components/nav.js';
import { LoginPage } from './pages/login.js';
import { AcceptInvitePage, ForgotPasswordPage, ResetPasswordPage, SetupPage } from './pages/access.js';
import { BoardPage } from './pages/board.js';
import { LeadPage } from './pages/lead.js';
import { WebhooksPage } from './pages/webhooks.js';
import { WebhookPage } from './pages/webhook.js';
import { DeliveryPage } from './pages/delivery.js';
import { ErrorLogPage } from './pages/error-log.js';
import { EmailOutboxPage } from './pages/email-outbox.js';
import { AccountPage } from './pages/account.js';
import { InspectorPage } from './pages/inspector.js';
import { UsersPage } from './pages/users.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { PipelinesPage } from './pages/pipelines.js';
import { EventTypesPage } from './pages/event-types.js';
import { settingsHome } from './components/settings-nav.js';
import { OrganizationPage, OrganizationsPage } from './pages/organizations.js';
import { ContactPage, ContactsPage } from './pages/contacts.js';

export function App() {
  // undefined: still asking the server; null: logged out.
  const [session, setSession] = useState(undefined);
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => setSession(null));
    auth.session().then(
      (s) => {
        setCsrfToken(s.csrf_token);
        setSession(s);
      },
      () => setSession(null),
    );
  }, []);

  if (session === undefined) return html`<p class="boot" role="status">Loading leadhook…</p>`;
  if (session === null) {
    const onLoggedIn = (s) => {
      setCsrfToken(s.csrf_token);
      setSession(s);
      if (['accept-invite', 'reset-password', 'forgot-password'].includes(route.path[0])) location.hash = '#/leads';
    };
    return html`<${LoggedOut} route=${route} onLoggedIn=${onLoggedIn} />`;
  }
  const logout = async () => {
    try {
      await auth.logout();
    } finally {
      setCsrfToken(null);
      setSession(null);
    }
  };
  return html`<div class="shell">
    <a class="skip-link" href="#main" onClick=${(e) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>Skip to content</a>
    <${Nav} route=${route} user=${session.user} onLogout=${logout} />
    <main id="main" tabindex="-1">${pageFor(route, session)}</main>
  </div>`;
}

/** Logged out: the invitation and reset links, "forgot password", first-run setup, or the login. */
function LoggedOut({ route, onLoggedIn }) {
  const [setup, setSetup] = useState(undefined);
  useEffect(() => {
    // Before the setup endpoint exists on a server, 404 simply means "no setup offered".
    auth.setupNeeded().then((s) => setSetup(Boolean(s?.needed)), () => setSetup(false));
  }, []);
  const token = route.params.token;
  switch (route.path[0]) {
    case 'accept-invite':
      return html`<${AcceptInvitePage} token=${token} onLoggedIn=${onLoggedIn} />`;
    case 'reset-password':
      return html`<${ResetPasswordPage} token=${token} onLoggedIn=${onLoggedIn} />`;
    case 'forgot-password':
      return html`<${ForgotPasswordPage} />`;
  }
  if (setup === undefined) return html`<p class="boot" role="status">Loading leadhook…</p>`;
  return setup ? html`<${SetupPage} onLoggedIn=${onLoggedIn} />` : html`<${LoginPage} onLoggedIn=${onLoggedIn} />`;
}

function pageFor(route, session) {
  const [first, second] = route.path;
  const p = route.params;
  switch (first) {
    case undefined:
    case 'leads':
      return second ? html`<${LeadPage} key=${second} id=${second} />` : html`<${BoardPage} params=${p} />`;
    case 'settings':
      return settingsPage(second, session.user);
    case 'organizations':
      return second ? html`<${OrganizationPage} key=${second} id=${second} />` : html`<${OrganizationsPage} />`;
    case 'contacts':
      return second ? html`<${ContactPage} key=${second} id=${second} />` : html`<${ContactsPage} key=${JSON.stringify(p)} params=${p} />`;
    case 'webhooks':
      return second ? html`<${WebhookPage} key=${second} id=${second} params=${p} />` : html`<${WebhooksPage} user=${session.user} />`;
    case 'deliveries':
      return html`<${DeliveryPage} key=${second} id=${second} />`;
    case 'error-log':
      return html`<${ErrorLogPage} webhookId=${p.webhook_id} page=${Number(p.page ?? 1)} />`;
    case 'email-outbox':
      return html`<${EmailOutboxPage} />`;
    case 'inspector':
      return html`<${InspectorPage} inboxId=${p.inbox} webhookId=${p.webhook} />`;
    case 'account':
      return settingsPage('account', session.user);
    default:
      return html`<section class="page"><h1>Page not found</h1><p><a href="#/leads">Go to the leads board</a></p></section>`;
  }
}

function settingsPage(which, user) {
  switch (which) {
    case 'webhooks':
      return html`<${WebhooksPage} user=${user} />`;
    case 'users':
      return html`<${UsersPage} user=${user} />`;
    case 'api-keys':
      return html`<${ApiKeysPage} user=${user} />`;
    case 'pipelines':
      return html`<${PipelinesPage} user=${user} />`;
    case 'event-types':
      return html`<${EventTypesPage} user=${user} />`;
    case 'account':
      return html`<${AccountPage} user=${user} />`;
    default:
      location.replace(settingsHome(user));
      return null;
  }
}
