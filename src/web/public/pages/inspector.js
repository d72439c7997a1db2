// The inspector (docs/RECEIVING.md): inboxes hosted by leadhook that record what is sent to them.
// `#/inspector` lists them; `#/inspector?inbox=<id>` shows one, polling for new requests every 2 s;
// `#/inspector?webhook=<id>` (the webhook form's button) opens the webhook's inbox, creating it and
// recording one sample per subscribed event type, signed with the webhook's secret.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatTime } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';

const POLL_MS = 2000;
const crumbs = html`<a href="#/settings/webhooks">Webhooks</a>`;

export function InspectorPage({ inboxId, webhookId }) {
  if (inboxId) return html`<${InboxView} key=${inboxId} id=${inboxId} />`;
  if (webhookId) return html`<${OpenForWebhook} key=${webhookId} webhookId=${webhookId} />`;
  return html`<${InboxList} />`;
}

function OpenForWebhook({ webhookId }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    (async () => {
      const [existing] = await api.get(`/inspector/inboxes${query({ webhook_id: webhookId })}`);
      const inbox = existing ?? (await api.post('/inspector/inboxes', { webhook_id: webhookId }));
      if (!existing) await api.post(`/inspector/inboxes/${inbox._id}/samples`);
      navigate(href('inspector', { inbox: inbox._id }));
    })().catch(setError);
  }, [webhookId]);
  return html`<${Page} title="Inspector" crumbs=${crumbs}>
    ${error ? html`<${LoadError} error=${error} />` : html`<${Loading} what="Preparing what your webhook will receive" />`}
  <//>`;
}

function InboxList() {
  const [notice, setNotice] = useState(null);
  const inboxes = useLoad(() => api.get('/inspector/inboxes'), []);
  const [run, busy] = useAction(setNotice);
  const create = async () => {
    const inbox = await run(() => api.post('/inspector/inboxes', {}));
    if (inbox?._id) navigate(href('inspector', { inbox: inbox._id }));
  };
  const actions = html`<button type="button" class="primary" onClick=${create} disabled=${busy}>New inbox</button>`;
  return html`<${Page} title="Inspector" crumbs=${crumbs} actions=${actions} notice=${notice}>
    <p class="muted">An inbox is a URL on this leadhook that records every request sent to it for 24 hours
      (the newest 100, bodies up to 256 KB). Point a webhook at it to see exactly what it sends.</p>
    ${inboxes.error ? html`<${LoadError} error=${inboxes.error} retry=${inboxes.reload} />` : null}
    ${!inboxes.data ? html`<${Loading} />` : inboxes.data.length === 0 ? html`<p class="empty">No inboxes yet.</p>` : html`<ul class="items">
      ${inboxes.data.map((inbox) => html`<li class="item-row" key=${inbox._id}>
        <a href=${href('inspector', { inbox: inbox._id })} class="url">${inbox.url}</a>
        <span class="small muted">expires ${formatTime(inbox.expires_at)}</span>
      </li>`)}
    </ul>`}
  <//>`;
}

/** Polls the inbox's requests, asking only for those newer than the newest one shown. */
function useRequests(id) {
  const [state, setState] = useState({ requests: [], error: null, loaded: false });
  const newest = useRef(undefined);
  useEffect(() => {
    let live = true;
    let timer;
    const poll = async () => {
      try {
        const fresh = await api.get(`/inspector/inboxes/${id}/requests${query({ after: newest.current })}`);
        if (!live) return;
        if (fresh.length > 0) newest.current = fresh[0]._id;
        setState((s) => ({ requests: [...fresh, ...s.requests].slice(0, 100), error: null, loaded: true }));
      } catch (error) {
        if (live) setState((s) => ({ ...s, error, loaded: true }));
      }
      if (live) timer = setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  return state;
}

function InboxView({ id }) {
  const [notice, setNotice] = useState(null);
  const inbox = useLoad(() => api.get(`/inspector/inboxes/${id}`), [id]);
  const { requests, error, loaded } = useRequests(id);
  const [selected, setSelected] = useState(null);
  const [run, busy] = useAction(setNotice);
  if (inbox.error) return html`<${Page} title="Inbox" crumbs=${crumbs}><${LoadError} error=${inbox.error} retry=${inbox.reload} /><//>`;
  if (!inbox.data) return html`<${Page} title="Inbox" crumbs=${crumbs}><${Loading} /><//>`;
  const i = inbox.data;
  const shown = requests.find((r) => r._id === selected) ?? requests[0];
  const samples = () => run(() => api.post(`/inspector/inboxes/${id}/samples`), 'Samples recorded');
  const remove = async () => {
    if (confirm('Delete this inbox and what it recorded?') && (await run(() => api.del(`/inspector/inboxes/${id}`)))) navigate('#/inspector');
  };
  return html`<${Page} title="Inbox" crumbs=${html`${crumbs} › <a href="#/inspector">Inspector</a>`} notice=${notice}>
    <p class="url big">${i.url}</p>
    <dl class="facts">
      <dt>Expires</dt><dd>${formatTime(i.expires_at)}</dd>
      <dt>Signatures</dt><dd>${i.webhook_id
        ? html`checked with the secret of <a href=${`#/webhooks/${i.webhook_id}`}>this webhook</a>`
        : 'checked with the secret of a webhook using this URL, if any'}</dd>
    </dl>
    <div class="toolbar" role="group" aria-label="Inbox actions">
      <button type="button" onClick=${() => navigator.clipboard?.writeText(i.url)}>Copy URL</button>
      ${i.webhook_id ? html`<button type="button" onClick=${samples} disabled=${busy}>Record samples</button>` : null}
      <button type="button" class="danger" onClick=${remove} disabled=${busy}>Delete</button>
    </div>
    ${error ? html`<${LoadError} error=${error} />` : null}
    <h2>Requests <span class="count" role="status">${requests.length}</span></h2>
    ${!loaded ? html`<${Loading} />` : requests.length === 0 ? html`<p class="empty">Nothing yet. Requests appear here as they arrive.</p>` : html`<div class="exchange">
      <section aria-label="Received requests"><ul class="items">
        ${requests.map((r) => html`<li class="item-row" key=${r._id}>
          <button type="button" class="link-button" aria-current=${r._id === shown?._id ? 'true' : undefined} onClick=${() => setSelected(r._id)}>
            ${formatTime(r.received_at)} · ${r.method} · ${eventType(r) ?? `${r.body_bytes} bytes`}
          </button> <${SignatureBadge} check=${r.signature} />
        </li>`)}
      </ul></section>
      ${shown ? html`<${RequestDetail} request=${shown} />` : null}
    </div>`}
  <//>`;
}

function eventType(request) {
  try {
    return JSON.parse(request.body)?.activity?.type;
  } catch {
    return undefined;
  }
}

const SIGNATURE = {
  valid: ['badge-ok', 'signature valid'],
  invalid: ['badge-bad', 'signature invalid'],
  no_webhook: ['badge-wait', 'no webhook to check with'],
  body_truncated: ['badge-wait', 'body cut; not checked'],
};

function SignatureBadge({ check }) {
  const [cls, label] = SIGNATURE[check.status] ?? ['badge-wait', check.status];
  return html`<span class=${`badge ${cls}`} title=${check.message ?? ''}>${label}</span>`;
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function RequestDetail({ request }) {
  return html`<section aria-label="Request detail">
    <p><${SignatureBadge} check=${request.signature} />${request.signature.code ? html` <span class="small muted">${request.signature.message}</span>` : null}</p>
    <h3>Headers</h3>
    <dl class="headers">${Object.entries(request.headers).map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>
    <h3>Body${request.body_truncated ? ` (first 256 KB of ${request.body_bytes} bytes)` : ''}</h3>
    <pre class="body">${pretty(request.body)}</pre>
  </section>`;
}
