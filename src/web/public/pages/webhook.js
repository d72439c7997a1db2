// One webhook: its settings and controls (send test, send an example of a type, enable/disable,
// show or rotate the secret, replay missing, recover, edit, delete), its self-heal state, its
// health chart, its filtered deliveries and the completeness audit of a window.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { settingsCrumbs } from '../components/settings-nav.js';
import { navigate } from '../router.js';
import { formatTime, localInputToIso, toLocalInput } from '../format.js';
import { LoadError, Loading, Page } from '../components/page.js';
import { useAction, useLoad } from '../components/use-load.js';
import { WebhookForm } from '../components/webhook-form.js';
import { SecretBox } from '../components/secret-box.js';
import { describeEvents } from '../components/events-picker.js';
import { WebhookStatus } from '../components/status-badge.js';
import { WebhookHealth } from '../components/webhook-health.js';
import { HealthChart } from '../components/health-chart.js';
import { DeliveriesTable } from '../components/deliveries-table.js';
import { deliveryFilters } from '../components/delivery-filters.js';
import { AUDIT_KEYS, WebhookAudit } from '../components/webhook-audit.js';
import { RevealSecret } from '../components/reveal-secret.js';
import { SendExample } from '../components/send-example.js';
import { TextInput } from '../components/field.js';
import { ReplayMissingForm } from '../components/replay-missing.js';

export function WebhookPage({ id, params }) {
  const [notice, setNotice] = useState(null);
  const [secret, setSecret] = useState(null);
  const [revealing, setRevealing] = useState(false);
  const [editing, setEditing] = useState(false);
  // After re-enabling: the time to replay from (when it went down, as far as the page knew).
  const [offerReplay, setOfferReplay] = useState(null);
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  const webhook = useLoad(() => api.get(`/webhooks/${id}`), [id, version]);
  const [run, busy] = useAction(setNotice);
  const crumbs = settingsCrumbs(['Integrations', '#/settings/webhooks'], ['Webhooks', '#/settings/webhooks']);

  if (webhook.error) return html`<${Page} title="Webhook" crumbs=${crumbs}><${LoadError} error=${webhook.error} retry=${webhook.reload} /><//>`;
  if (!webhook.data) return html`<${Page} title="Webhook" crumbs=${crumbs}><${Loading} /><//>`;
  const w = webhook.data;

  const sendTest = async () => {
    if (await run(() => api.post(`/webhooks/${id}/test`), 'Test event queued; it appears in the deliveries below')) refresh();
  };
  const setEnabled = async (enabled) => {
    const downSince = earliest(w.healing?.since, w.updated_at, w.last_delivery?.at);
    const ok = await run(() => api.put(`/webhooks/${id}`, { enabled }), enabled ? 'Webhook enabled' : 'Webhook disabled');
    if (ok) {
      setOfferReplay(enabled ? downSince : null);
      refresh();
    }
  };
  const rotate = async () => {
    if (!confirm('Rotate the signing secret? The old secret keeps signing for 24 hours alongside the new one.')) return;
    const result = await run(() => api.post(`/webhooks/${id}/rotate-secret`), 'New signing secret created');
    if (result?.secret) setSecret(result.secret);
  };
  const save = async (body) => {
    if (await run(() => api.put(`/webhooks/${id}`, body), 'Webhook saved')) {
      setEditing(false);
      refresh();
    }
  };
  const remove = async () => {
    if (!confirm(`Delete the webhook for ${w.url}? Its delivery log is deleted too.`)) return;
    if (await run(() => api.del(`/webhooks/${id}`), 'Webhook deleted')) navigate('#/settings/webhooks');
  };

  return html`<${Page} title="Webhook" crumbs=${crumbs} notice=${notice}>
    <p class="url big">${w.url}</p>
    ${w.paused_until
      ? html`<p class="notice notice-info" role="status">Paused by the receiver until ${formatTime(w.paused_until)}: it answered 429 or 503 with
          Retry-After. Deliveries wait and go out after that; no attempts are spent meanwhile.</p>`
      : null}
    <dl class="facts">
      <dt>Status</dt><dd><${WebhookStatus} webhook=${w} /></dd>
      <dt>Health</dt><dd><${WebhookHealth} webhook=${w} /></dd>
      <dt>Events</dt><dd>${describeEvents(w.events)}</dd>
      <dt>Handshake key</dt><dd>${w.handshake_key ? 'Set' : 'None'}</dd>
      <dt>Description</dt><dd>${w.description ?? '—'}</dd>
      <dt>Maximum rate</dt><dd>${w.max_rate_per_second === null ? 'No limit' : `${w.max_rate_per_second} requests a second`}</dd>
      <dt>Self-heal</dt><dd>${selfHealText(w)}</dd>
      <dt>Delivery order</dt><dd>${w.ordering === 'per_lead' ? "Per lead: each lead's deliveries one at a time, in activity order" : 'Parallel'}</dd>
      <dt>Traceparent</dt><dd>${w.send_traceparent ? 'Sent while tracing is on' : 'Not sent'}</dd>
      <dt>Created</dt><dd>${formatTime(w.created_at)} by ${w.created_by?.name ?? '—'}</dd>
    </dl>
    <div class="toolbar" role="group" aria-label="Webhook actions">
      <button type="button" class="primary" onClick=${sendTest} disabled=${busy}>Send test</button>
      ${w.enabled
        ? html`<button type="button" onClick=${() => setEnabled(false)} disabled=${busy}>Disable</button>`
        : html`<button type="button" onClick=${() => setEnabled(true)} disabled=${busy}>Enable</button>`}
      <button type="button" onClick=${() => setRevealing(true)} aria-expanded=${revealing}>Show current secret</button>
      <button type="button" onClick=${rotate} disabled=${busy}>Rotate secret</button>
      <button type="button" onClick=${() => setEditing(!editing)} aria-expanded=${editing}>Edit</button>
      <button type="button" class="danger" onClick=${remove} disabled=${busy}>Delete</button>
    </div>
    <${SendExample} webhookId=${id} run=${run} busy=${busy} onSent=${refresh} />
    ${revealing ? html`<${RevealSecret} webhookId=${id} onClose=${() => setRevealing(false)} />` : null}
    ${secret ? html`<${SecretBox} secret=${secret} onDismiss=${() => setSecret(null)} />` : null}
    ${offerReplay
      ? html`<${ReplayMissingForm} webhookId=${id} heading="Replay what was missed?" since=${offerReplay} alsoRecover=${true}
          intro="The webhook is enabled again. Activities that happened while it was down are queued in order, and deliveries that failed are sent again; nothing is sent twice."
          setNotice=${setNotice} onDone=${refresh} />`
      : null}
    ${editing
      ? html`<section class="card" aria-labelledby="edit-webhook-title"><h2 id="edit-webhook-title">Edit webhook</h2>
          <${WebhookForm} webhook=${w} busy=${busy} submitLabel="Save webhook" onSubmit=${save} onCancel=${() => setEditing(false)} /></section>`
      : null}
    <${Health} id=${id} version=${version} />
    <${DeliveriesTable} webhookId=${id} filters=${deliveryFilters(params)} keep=${pick(params, AUDIT_KEYS)} version=${version} setNotice=${setNotice} />
    <${WebhookAudit} key=${AUDIT_KEYS.map((k) => params?.[k] ?? '').join('|')} webhookId=${id} enabled=${w.enabled} params=${params ?? {}}
      setNotice=${setNotice} onReplayed=${refresh} />
    ${offerReplay || !w.enabled
      ? null
      : html`<${ReplayMissingForm} webhookId=${id} heading="Replay missing" setNotice=${setNotice} onDone=${refresh}
          intro="Queue every activity since a time that matches the events and never reached this webhook (it was disabled, did not exist yet, or its delivery was removed by retention without succeeding). Running it twice sends nothing twice." />`}
    ${offerReplay ? null : html`<${RecoverForm} webhookId=${id} heading="Recover failed deliveries" run=${run} busy=${busy} setNotice=${setNotice} onDone=${refresh}
      intro="Send again every failed delivery created since a time (paced, no cap)." />`}
  <//>`;
}

function selfHealText(w) {
  if (!w.self_heal) return 'Off';
  if (!w.healing) return 'On: after an automatic disable, probed for 7 days';
  return `Probing: ${w.healing.probes} ${w.healing.probes === 1 ? 'probe' : 'probes'} since ${formatTime(w.healing.since)}, next ${formatTime(w.healing.next_probe_at)}`;
}

/** The params among `keys` that are set (what another card keeps in the URL). */
function pick(params = {}, keys) {
  return Object.fromEntries(keys.filter((k) => params[k]).map((k) => [k, params[k]]));
}

/** The earliest of some ISO times (missing ones ignored). */
function earliest(...times) {
  const ms = times.filter(Boolean).map((t) => Date.parse(t));
  return ms.length === 0 ? undefined : new Date(Math.min(...ms)).toISOString();
}

function Health({ id, version }) {
  const stats = useLoad(() => api.get(`/webhooks/${id}/stats`), [id, version]);
  return html`<section class="card" aria-labelledby="health-title">
    <h2 id="health-title">Health</h2>
    ${stats.error ? html`<p class="muted">Health data is not available (${stats.error.message}).</p>` : null}
    ${stats.data ? html`<${HealthChart} data=${stats.data} />` : null}
  </section>`;
}

function RecoverForm({ webhookId, heading, intro, since, run, busy, onDone, setNotice }) {
  const [value, setValue] = useState(toLocalInput(since ? new Date(since) : new Date(Date.now() - 24 * 3_600_000)));
  const submit = async (event) => {
    event.preventDefault();
    const result = await run(() => api.post(`/webhooks/${webhookId}/recover`, { since: localInputToIso(value) }), undefined);
    if (result) {
      setNotice({ kind: 'success', text: `Requeued ${result.recovered} failed ${result.recovered === 1 ? 'delivery' : 'deliveries'}` });
      onDone(result);
    }
  };
  return html`<section class="card" aria-label=${heading}>
    <h2>${heading}</h2>
    <p class="muted">${intro}</p>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Since" name="since" type="datetime-local" required value=${value} onValue=${setValue} />
      <button type="submit" disabled=${busy}>Recover since…</button>
    </form>
  </section>`;
}
